# `make drill`: the HA and fault drills of docs/operations.md (about 6 minutes). Each prints its
# figures; the run fails if any promise is broken. `make drill-ci` is the bounded form that
# `make test` runs (about 3 minutes). The database drill stops and restarts the machine's MariaDB
# (it needs root, as in CI; otherwise it is skipped and says so).

.PHONY: drill drill-ci

define DRILL_RUN
	@$(UV) run --frozen python -c "import socket; socket.create_connection(('127.0.0.1', 3306), 2)" 2>/dev/null \
		|| { echo "MariaDB/MySQL is not reachable on 127.0.0.1:3306 (start it first)"; exit 1; }
	$(UV) run --frozen python -m drills.run $(1)
endef

drill: setup system-deps
	$(call DRILL_RUN,)

drill-ci: setup system-deps
	$(call DRILL_RUN,--ci)
