# lockdiag_cli_reports: the `report`, `keys` and `company` commands of lockdiag (report_commands.h),
# with the technician key and certificate they use; linked into lockdiag_cli_lib.
add_library(lockdiag_cli_reports STATIC
  ${CMAKE_CURRENT_LIST_DIR}/report_commands.cpp
  ${CMAKE_CURRENT_LIST_DIR}/key_commands.cpp
  ${CMAKE_CURRENT_LIST_DIR}/technician_key.cpp
  ${CMAKE_CURRENT_LIST_DIR}/technician_cert.cpp
  ${CMAKE_CURRENT_LIST_DIR}/company_commands.cpp
  ${CMAKE_CURRENT_LIST_DIR}/passphrase.cpp)
target_include_directories(lockdiag_cli_reports PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(lockdiag_cli_reports PUBLIC lockdiag_app_core lockdiag_reports CLI11::CLI11 nlohmann_json::nlohmann_json)
lockdiag_own(lockdiag_cli_reports)
set_target_properties(lockdiag_cli_reports PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 6)  # as lockdiag_cli_lib
