# The two README commands are `make run` and `make test`; the logic lives in scripts/.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTEST_ARGS ?=

.PHONY: help run test stop-services services-status bench lint

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

run:  ## install, start PostgreSQL/Redis (embedded unless configured), migrate, seed, run web+worker+beat
	@bash scripts/run.sh

test:  ## the whole test suite on 2 cores (fails on any skip or xfail); PYTEST_ARGS="-k x" passes arguments
	@bash scripts/test.sh $(PYTEST_ARGS)

stop-services:  ## stop the embedded PostgreSQL and Redis left running under .data/
	@bash scripts/services.sh stop

services-status:  ## show the embedded PostgreSQL and Redis
	@bash scripts/services.sh status

bench:  ## load benchmark (benchmarks/load.py --scale 1)
	@uv run --frozen python benchmarks/load.py --scale 1

lint:  ## ruff
	@uv run --frozen ruff check .
