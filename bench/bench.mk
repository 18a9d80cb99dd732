# `make bench`: the load, streaming, fail-fast and growth benchmarks of docs/performance.md and
# the capacity model of docs/capacity.md (about 15 minutes). `make bench BENCH_QUICK=1` (or
# `make bench-quick`) is a ~4-minute pass that prints its figures and leaves the docs alone.
# Needs MariaDB/MySQL on 127.0.0.1:3306 (root, no password; BENCH_MYSQL_URL to change it).

BENCH_TOOLS := wrk hey

.PHONY: bench bench-quick bench-deps

# The load tools are Debian packages; installed through apt when running as root.
bench-deps:
	@missing=""; for t in $(BENCH_TOOLS); do command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else echo "missing load tools:$$missing (sudo apt-get install$$missing)"; exit 1; fi; \
	fi

define BENCH_RUN
	@$(UV) run --frozen python -c "import socket; socket.create_connection(('127.0.0.1', 3306), 2)" 2>/dev/null \
		|| { echo "MariaDB/MySQL is not reachable on 127.0.0.1:3306 (start it first)"; exit 1; }
	$(UV) run --frozen python -m bench.run $(1)
endef

bench: setup bench-deps
	$(call BENCH_RUN,$(if $(filter 1,$(BENCH_QUICK)),--quick))

bench-quick: setup bench-deps
	$(call BENCH_RUN,--quick)
