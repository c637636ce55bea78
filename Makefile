# The two quick-start commands: `make chat` and `make test`. Both build the virtualenv first.
VENV ?= .venv
PYTHON ?= python3
TEST_WORKERS ?= 4
# Tests mostly wait (on PostgreSQL, on child processes, on stand-ins): four workers keep two
# cores busy (2 m 25 s against three's 2 m 35 s, alternated runs, 2026-12-02). Every test has
# its own database, ports and files, so they run in any order; the slow ones go first, and
# tests that hold many PostgreSQL connections share a group (loadgroup).
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: chat test bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

chat: $(STAMP)
	$(VENV)/bin/hagshama chat

# mypy runs beside the tests (a cold run is ten seconds of one core); its verdict is printed after
# theirs, and either failing fails the target.
# Bytecode is cached even where the environment says not to (PYTHONDONTWRITEBYTECODE): the
# tests start some fifty `hagshama` processes, each of which would compile the project's
# modules again (0.7 s of CPU apiece), and every worker would rewrite every test's asserts.
test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/mypy > $(VENV)/mypy.log 2>&1 & types=$$!; \
	env -u PYTHONDONTWRITEBYTECODE $(VENV)/bin/pytest -q -n $(TEST_WORKERS) --dist loadgroup; \
	tests=$$?; \
	wait $$types; typed=$$?; echo "mypy:"; cat $(VENV)/mypy.log; \
	[ $$typed -eq 0 ] && exit $$tests; exit $$typed

bench: $(STAMP)
	$(VENV)/bin/python -m bench
