# The two commands of the README. Both are idempotent.
.PHONY: run test setup lint messages

run:          ## set up, migrate, load the sample data and serve on 127.0.0.1:5000
	scripts/run.sh

test:         ## set up with test extras, then ruff, mypy and pytest on SQLite and PostgreSQL
	scripts/test.sh

setup:
	scripts/bootstrap.sh

messages:     ## re-extract translatable strings and update the English catalog
	.venv/bin/pybabel extract -F babel.cfg -k N_ -k _l -o coopledger/translations/messages.pot .
	.venv/bin/pybabel update -i coopledger/translations/messages.pot -d coopledger/translations -l en
