# The project version (project() in the top CMakeLists.txt) as a header every program prints with
# --version. Link lockdiag_version to get <lockdiag_version.h>.
configure_file(${CMAKE_CURRENT_LIST_DIR}/lockdiag_version.h.in ${CMAKE_BINARY_DIR}/generated/lockdiag_version.h @ONLY)
add_library(lockdiag_version INTERFACE)
target_include_directories(lockdiag_version INTERFACE ${CMAKE_BINARY_DIR}/generated)
