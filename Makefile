# The two README commands are `make run` and `make test`; the logic lives in scripts/.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTEST_ARGS ?=

.PHONY: help run test stop-services services-status bench lint messages translations

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

IGNORE_I18N := -i ".venv/*" -i "static/vendor/*" -i ".data/*" -i "staticfiles/*" -i "node_modules/*"

messages:  ## extract translatable strings into locale/fr (django and djangojs domains)
	@uv run --frozen python manage.py makemessages -l fr $(IGNORE_I18N)
	@uv run --frozen python manage.py makemessages -d djangojs -l fr $(IGNORE_I18N) -i "core/static/core/js/redoc-init.js"

translations:  ## compile the .po files into .mo
	@uv run --frozen python manage.py compilemessages -l fr --ignore=.venv
