// Correcting a job's inputs before it is resumed (`job resume ID --site ...`).
#include <sqlite3.h>

#include "lockdiag/app/job_store.h"
#include "sqlite_statement.h"

namespace lockdiag::app {

StoreResult<void> JobStore::amend_job(int64_t id, const std::string& site, const std::string& customer,
                                      const std::string& technician, const std::string& params_json) {
  if (auto w = writable(); !w) return w;
  if (auto r = exec("BEGIN IMMEDIATE"); !r) return r;
  auto fail_tx = [&](const std::string& what) -> StoreResult<void> {
    const std::string msg = what + ": " + sqlite3_errmsg(db_);
    (void)exec("ROLLBACK");
    return std::unexpected(StoreError{StoreError::kIo, msg});
  };
  std::optional<int64_t> site_id;
  if (!site.empty() || !customer.empty()) {
    Statement c(db_, "INSERT INTO customers(name) VALUES(?1) ON CONFLICT(name) DO NOTHING");
    c.bind(1, customer);
    if (c.step() != SQLITE_DONE) return fail_tx("cannot record the customer");
    Statement st(db_,
                 "INSERT INTO sites(customer_id, name) SELECT id, ?2 FROM customers WHERE name = ?1 "
                 "ON CONFLICT(customer_id, name) DO NOTHING");
    st.bind(1, customer).bind(2, site);
    if (st.step() != SQLITE_DONE) return fail_tx("cannot record the site");
    Statement q(db_,
                "SELECT sites.id FROM sites JOIN customers ON customers.id = sites.customer_id "
                "WHERE customers.name = ?1 AND sites.name = ?2");
    q.bind(1, customer).bind(2, site);
    if (q.step() == SQLITE_ROW) site_id = q.int64(0);
  }
  Statement u(db_, "UPDATE jobs SET site_id = ?2, technician = ?3, params_json = ?4, updated_at = ?5 WHERE id = ?1");
  u.bind(1, id);
  if (site_id) u.bind(2, *site_id);
  else u.bind_null(2);
  u.bind(3, technician).bind(4, params_json).bind(5, utc_now_rfc3339());
  if (u.step() != SQLITE_DONE) return fail_tx("cannot update job " + std::to_string(id));
  if (sqlite3_changes(db_) != 1) {
    (void)exec("ROLLBACK");
    return std::unexpected(StoreError{StoreError::kNotFound, "no job " + std::to_string(id)});
  }
  return exec("COMMIT");
}

}  // namespace lockdiag::app
