-- Each dashboard row keeps what placed it (its objective and version, its agreement's kind, vendor, master, service,
-- dependency, zone). Matching the rows after a change of agreements, versions or objectives then computes only the
-- rows whose placement differs or that are missing, not every row in force. Rows stored before have none and are
-- computed once at the next match.
ALTER TABLE dashboard_rows ADD COLUMN placement text NOT NULL DEFAULT '';
