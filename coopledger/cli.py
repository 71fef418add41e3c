"""The ``coopledger`` command: database set-up, sample data, users, and serving the app.

``coopledger run`` serves the web app and starts the background-job worker beside it, so
one command is enough for a demo or a small village installation.
"""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import FlaskGroup, routes_command, shell_command, with_appcontext

from coopledger.auth.roles import Role

if TYPE_CHECKING:
    from flask import Flask

    from coopledger.orgs.models import Organisation


def _create_app() -> Flask:
    from coopledger import create_app

    return create_app()


class CommandGroup(FlaskGroup):
    """The ``coopledger`` group: a database that cannot be reached or is not migrated yet is
    one sentence saying what to do, not a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        """Run the command, turning database failures into a sentence."""
        import sqlalchemy as sa

        from coopledger.errors import CoopLedgerError

        try:
            return super().invoke(ctx)
        except (sa.exc.OperationalError, sa.exc.ProgrammingError) as err:
            raise click.ClickException(database_sentence(err)) from None
        except CoopLedgerError as err:       # a refusal: its sentence, not a traceback
            raise click.ClickException(str(err)) from None


def database_sentence(err: Exception) -> str:
    """What to tell the operator about a failed database call."""
    text = str(getattr(err, "orig", err))
    url = _url_for_message()
    if "no such table" in text or ("does not exist" in text and "relation" in text):
        return (f"the database at {url} has no coopledger tables yet: run "
                "`coopledger init-db` first.")
    first = text.strip().splitlines()[0] if text.strip() else type(err).__name__
    return (f"cannot use the database at {url}: {first}. Check COOPLEDGER_DATABASE_URL "
            "and that the database server is running.")


def _url_for_message() -> str:
    try:
        return _safe_url()
    except RuntimeError:        # no application context
        return "COOPLEDGER_DATABASE_URL"


@click.group(cls=CommandGroup, create_app=_create_app, add_default_commands=False,
             add_version_option=False)
def main() -> None:
    """Manage and serve coopledger."""


main.add_command(shell_command)
main.add_command(routes_command)


def register_commands(app: Flask) -> None:
    """Attach the project's commands to ``app.cli`` (also reachable through ``flask``)."""
    for command in (init_db, load_sample, create_user, list_orgs, run, worker, export_ledger,
                    verify_ledger, report, verify_disclosure, verify_archive, backup_command,
                    restore_command):
        app.cli.add_command(command)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create the database or bring it up to the newest migration."""
    from flask_migrate import upgrade

    upgrade()
    click.echo(f"database ready: {_safe_url()}")


def _safe_url() -> str:
    from sqlalchemy.engine import make_url

    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).render_as_string(
        hide_password=True)


@click.command("load-sample")
@click.option("--small", is_flag=True,
              help="leave out the demo volume (two years of vouchers, 200 more households)")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="date the demo world to this day (default today: the books end in the "
                   "last complete month)")
@with_appcontext
def load_sample(small: bool, as_of: dt.datetime | None) -> None:
    """Load the demo world from sample_data/ (idempotent) and print the demo logins."""
    from coopledger.dates import today
    from coopledger.extensions import db
    from coopledger.sample import DEMO_PASSWORD, load_world

    def said(part: str, seconds: float) -> None:
        click.echo(f"  {part}: {seconds:.1f} s", err=True)

    click.echo("loading the demo world…", err=True)
    report = load_world(full=not small, progress=said,
                        as_of=as_of.date() if as_of is not None else today())
    db.session.commit()
    click.echo(f"sample data: {report.created} records created, {report.skipped} already there,"
               f" {report.vouchers} vouchers in the demo books")
    click.echo("demo logins (password for all: " + DEMO_PASSWORD + "):")
    for username, role, scope in report.logins:
        click.echo(f"  {username:<12} {role:<18} {scope}")


@click.command("create-user")
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True, help="display name")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--org", "org_code", help="organisation code (organisation roles)")
@click.option("--township", "township_code",
              help="township code (township_auditor, county_reviewer, township_leader)")
@click.option("--password", help="initial password; generated when omitted")
@with_appcontext
def create_user(username: str, display_name: str, role: str, org_code: str | None,
                township_code: str | None, password: str | None) -> None:
    """Create a user with one role; the password must be changed at first login."""
    import sqlalchemy as sa

    from coopledger.auth import services
    from coopledger.errors import CoopLedgerError
    from coopledger.extensions import db
    from coopledger.orgs.models import Organisation, Township

    org = db.session.scalar(sa.select(Organisation).where(Organisation.code == org_code))
    town = db.session.scalar(sa.select(Township).where(Township.code == township_code))
    if org_code and org is None:
        raise click.ClickException(f"no organisation with code {org_code}")
    if township_code and town is None:
        raise click.ClickException(f"no township with code {township_code}")
    try:
        user, initial = services.create_user(
            username=username, display_name=display_name, password=password, by=None,
            min_password_length=current_app.config["MIN_PASSWORD_LENGTH"])
        services.assign_role(user, Role(role), organisation=org, township=town, by=None)
    except CoopLedgerError as err:
        db.session.rollback()
        raise click.ClickException(str(err)) from None
    db.session.commit()
    click.echo(f"created {user.username} ({role}); initial password: {initial}")


@click.command("orgs")
@with_appcontext
def list_orgs() -> None:
    """List organisations with their codes, kinds and accounting standards."""
    from coopledger.orgs.queries import organisations

    rows = organisations()
    if not rows:
        click.echo("no organisations yet (try: coopledger load-sample)")
    for org in rows:
        leader = f"  led by {org.leading_org.code}" if org.leading_org else ""
        click.echo(f"{org.code:<20} {org.kind.value:<19} {org.standard.value:<13} "
                   f"{org.township.name}{org.village.name}  {org.name}{leader}")


def _org_or_fail(code: str) -> Organisation:
    import sqlalchemy as sa

    from coopledger.extensions import db
    from coopledger.orgs.models import Organisation

    org: Organisation | None = db.session.scalar(
        sa.select(Organisation).where(Organisation.code == code))
    if org is None:
        raise click.ClickException(f"no organisation with code {code} (see: coopledger orgs)")
    return org


@click.command("export-ledger")
@click.argument("org_code")
@click.option("--out", type=click.Path(dir_okay=False, writable=True),
              help="file to write (default: standard output)")
@with_appcontext
def export_ledger(org_code: str, out: str | None) -> None:
    """Write an organisation's whole book as one beancount file."""
    from coopledger.ledger.bookfile import streamed_book

    pieces = streamed_book(_org_or_fail(org_code))
    if out:
        temporary = Path(out).with_suffix(".tmp")
        with temporary.open("w", encoding="utf-8") as file:
            file.writelines(pieces)
        temporary.replace(out)
        click.echo(f"wrote {out}", err=True)
    else:
        for piece in pieces:
            click.echo(piece, nl=False)


@click.command("verify-ledger")
@click.argument("org_code")
@with_appcontext
def verify_ledger(org_code: str) -> None:
    """Check the book with beancount, re-check the hash chain, compare monthly balances."""
    from coopledger.extensions import db
    from coopledger.ledger.bookfile import record_check, verify_book

    org = _org_or_fail(org_code)
    result = verify_book(org)
    record_check(org, result)
    db.session.commit()
    click.echo(f"{org_code}: {result.vouchers} posted vouchers")
    for label, problems in (("beancount", result.beancount_errors),
                            ("hash chain", result.chain_errors),
                            ("balances", result.balance_differences)):
        click.echo(f"  {label}: {len(problems)} problem(s)")
        for problem in problems[:50]:
            click.echo(f"    {problem}")
    if not result.ok:
        raise SystemExit(1)
    click.echo("OK: SQL and beancount agree for every account and month")


@click.command("verify-disclosure")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def verify_disclosure(file: Path) -> None:
    """Say whether FILE is an unaltered published notice, and which (exit 1 if not)."""

    from coopledger.disclosure.verification import verify_pdf
    from coopledger.files import store

    verdict = verify_pdf(file.read_bytes(), store())
    if not verdict.matches or verdict.disclosure is None:
        click.echo(f"NOT MATCHED: {file} is not an unaltered published disclosure")
        raise SystemExit(1)
    found = verdict.disclosure
    click.echo(f"MATCHED: {found.organisation.code} {found.period_key} version {found.version} "
               f"({found.title}), code {found.short_code}, published "
               f"{found.published_at.date().isoformat() if found.published_at else ''}")


@click.command("verify-archive")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def verify_archive(file: Path) -> None:
    """Check a yearly archive: every file against its manifest, the seal, and (when this
    database holds the organisation) the ledger head against the voucher hash chain."""
    import sqlalchemy as sa

    from coopledger.extensions import db
    from coopledger.filings.archive_check import verify
    from coopledger.ledger.models import Voucher
    from coopledger.orgs.models import Organisation

    verdict = verify(file.read_bytes())
    problems = list(verdict.problems)
    org = db.session.scalar(sa.select(Organisation).where(
        Organisation.code == verdict.organisation)) if verdict.organisation else None
    if org is not None and verdict.ledger_head and not db.session.scalar(
            sa.select(sa.func.count(Voucher.id)).where(
                Voucher.organisation_id == org.id, Voucher.chain_hash == verdict.ledger_head)):
        problems.append("the ledger head is not in this organisation's voucher hash chain")
    if problems:
        for problem in problems:
            click.echo(f"FAIL: {problem}")
        raise SystemExit(1)
    chain = "checked against the hash chain" if org is not None else "organisation not here"
    click.echo(f"OK: {verdict.organisation} {verdict.year}, {verdict.files} files intact, "
               f"seal {verdict.seal[:16]} ({chain})")


@click.command("backup")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="archive to write (default: coopledger-backup-<time>.tar.gz here)")
@with_appcontext
def backup_command(out: Path | None) -> None:
    """Write one archive of the database, the stored files and the instance secret."""
    import datetime as dt

    from coopledger.backup import backup

    config = current_app.config
    secret = Path(current_app.instance_path) / "secret_key"
    target = out or Path(f"coopledger-backup-{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}.tar.gz")
    written = backup(config["SQLALCHEMY_DATABASE_URI"], Path(config["STORAGE_DIR"]),
                     secret if secret.is_file() else None, target)
    click.echo(f"backup written: {written.path} (database, {written.files} stored files"
               f"{', instance secret' if written.secret_included else ''})")
    if not written.secret_included:
        click.echo("WARNING: the secret key comes from COOPLEDGER_SECRET_KEY and is NOT in the "
                   "archive. Keep it with the backup: without it every printed dividend "
                   "statement's check code stops matching.", err=True)


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="overwrite a database that already has data")
@with_appcontext
def restore_command(archive: Path, force: bool) -> None:
    """Put a backup archive back into the configured database, storage folder and instance."""
    from coopledger.backup import restore
    from coopledger.extensions import db

    config = current_app.config
    db.engine.dispose()       # nothing of this process holds the database being replaced
    manifest = restore(archive, config["SQLALCHEMY_DATABASE_URI"], Path(config["STORAGE_DIR"]),
                       Path(current_app.instance_path) / "secret_key", force=force)
    click.echo(f"restored the backup made {manifest['made_at']} into {_safe_url()}; run "
               "`coopledger verify-ledger ORG` to check each organisation's books")


@click.command("report")
@click.argument("name")
@click.option("--org", "org_code", required=True)
@click.option("--period", required=True, help="2024, 2024-03, 2024-Q2 or 2024-01-01..2024-06-30")
@click.option("--account", help="account code (general_ledger, detail_ledger, bank_journal)")
@click.option("--level", default=9, show_default=True,
              help="trial balance: accounts down to this level (1 = chart accounts)")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "pdf"]), default="csv",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True),
              help="file to write (csv goes to standard output by default)")
@with_appcontext
def report(name: str, org_code: str, period: str, account: str | None, level: int, fmt: str,
           out: str | None) -> None:
    """Print or write a report: the same figures as the report pages."""
    from coopledger.errors import CoopLedgerError
    from coopledger.ledger.outputs import csv_chunks, to_csv, to_pdf, to_xlsx
    from coopledger.ledger.reports import REPORTS, build_report

    if name not in REPORTS:
        raise click.ClickException(f"unknown report {name}; one of: {', '.join(REPORTS)}")
    try:
        table = build_report(name, _org_or_fail(org_code), period, account=account, level=level,
                             streamed=fmt == "csv" and not out)
    except CoopLedgerError as err:
        raise click.ClickException(str(err)) from None
    if fmt == "csv" and not out:
        for piece in csv_chunks(table):
            click.echo(piece, nl=False)
        return
    if not out:
        raise click.ClickException("--out is required for xlsx and pdf")
    data = {"csv": lambda: to_csv(table).encode("utf-8"), "xlsx": lambda: to_xlsx(table),
            "pdf": lambda: to_pdf(table)}[fmt]()
    Path(out).write_bytes(data)
    click.echo(f"wrote {out}", err=True)


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--threads", type=int, default=None,
              help="request threads (default: the WEB_THREADS setting, 8)")
@click.option("--no-worker", is_flag=True, help="do not start the background-job worker")
@with_appcontext
def run(host: str, port: int, threads: int | None, no_worker: bool) -> None:
    """Serve the app with waitress (a production WSGI server) and the job worker beside it."""
    import logging

    from waitress import serve

    from coopledger.request_log import log_requests

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    log_requests(app)
    worker_process = None
    if not no_worker:
        worker_process = subprocess.Popen([sys.executable, "-m", "coopledger.cli", "worker"])
        click.echo(f"job worker started (pid {worker_process.pid})")
    count = threads or int(app.config["WEB_THREADS"])
    click.echo(f"coopledger on http://{host}:{port}/  (waitress, {count} threads; "
               "Ctrl+C stops it)")
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(0))  # `kill` stops the worker too
    try:
        serve(app, host=host, port=port, threads=count, ident="coopledger",
              clear_untrusted_proxy_headers=True)
    finally:
        if worker_process is not None:
            worker_process.terminate()
            worker_process.wait(timeout=10)


@click.command("worker")
@click.option("--workers", default=2, show_default=True)
@with_appcontext
def worker(workers: int) -> None:
    """Run the huey consumer that executes background jobs.

    On start it recovers the jobs whose worker died (queued again once when safe, else failed
    with a sentence and a 重试 button for their owner); a periodic task repeats that every
    minute, for workers on other hosts whose heartbeats stopped.
    """
    from coopledger.jobs.queue import backend_name, huey
    from coopledger.jobs.services import set_worker_app, sweep

    set_worker_app(current_app._get_current_object())  # type: ignore[attr-defined]
    click.echo(f"job worker using {backend_name()}")
    requeued = sweep()
    if requeued:
        click.echo(f"queued again after an interruption: jobs {requeued}")
    huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()


if __name__ == "__main__":
    main()
