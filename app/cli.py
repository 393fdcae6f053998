"""Command-line entry points (``flask <command>``); each command is one transaction, committed here."""
import json
import os
import sys

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from .extensions import db


def _fail(message: str) -> None:
    db.session.rollback()
    click.echo(message, err=True)
    sys.exit(1)


@click.command("deploy")
@click.argument("services", nargs=-1)
@click.option("--activate", "activate_keys", multiple=True, metavar="KEY",
              help="Make the shipped files of this service the active version (repeatable).")
@with_appcontext
def deploy_command(services, activate_keys):
    """Load bpmn/, dmn/, forms/ (and the catalogue): a service with no active version gets the shipped
    files as its active version; for the others, shipped files that differ from the active version are
    stored as a draft and reported, and become active only with ``--activate KEY``."""
    from .catalogue.operations import load_catalogue
    from .models import Service
    from .processes.deploy import InvalidModel
    from .processes.shipped import deploy_shipped
    created = load_catalogue()
    if created:
        click.echo(f"catalogue: added {', '.join(created)}")
    dirs = current_app.config["MODEL_DIRS"]
    keys = list(services) or [s.key for s in db.session.scalars(db.select(Service).order_by(Service.key))
                              if (dirs["bpmn"] / f"{s.key}.bpmn").exists()]
    keys += [k for k in activate_keys if k not in keys]
    failed = False
    for key in keys:
        if not (dirs["bpmn"] / f"{key}.bpmn").exists():
            click.echo(f"{key}: no bpmn/{key}.bpmn", err=True)
            failed = True
            continue
        try:
            click.echo(f"{key}: {deploy_shipped(key, dirs, activate=key in activate_keys)}")
        except InvalidModel as exc:
            failed = True
            click.echo(f"{key}: NOT deployed — {len(exc.problems)} problem(s):", err=True)
            for p in exc.problems:
                where = f"{p['file']}:{p['line']}" if p.get("line") else p["file"]
                click.echo(f"  {where} [{p.get('element_id') or '-'}] {p['message']}", err=True)
    if failed:
        _fail("deploy failed; nothing was changed.")
    db.session.commit()


demo = AppGroup("demo", help="Demo data (development only).")


@demo.command("seed")
@click.option("--if-empty", is_flag=True, help="Do nothing when users exist already.")
def demo_seed(if_empty):
    """Create demo offices and users in Murshidabad and North 24 Parganas."""
    from .demo.seed import seed
    from .models import User
    if current_app.config["ENV_NAME"] == "production":
        _fail("Refusing to seed demo data with PRAVAH_ENV=production.")
    if if_empty and db.session.scalar(db.select(User.id).limit(1)) is not None:
        click.echo("Database has users already; demo seed skipped.")
        return
    users = seed(current_app.config["DEMO_PASSWORD"])
    db.session.commit()
    click.echo(f"Demo users (password: {current_app.config['DEMO_PASSWORD']}):")
    for username in users:
        click.echo(f"  {username}")


@demo.command("users")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def demo_users(as_json):
    """List the demo users and their postings."""
    from .demo.seed import demo_users as rows
    if current_app.config["ENV_NAME"] == "production":
        _fail("Demo users do not exist in production.")
    data = rows(current_app.config["DEMO_PASSWORD"])
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for row in data:
            postings = ", ".join(f"{p['role']}@{p['office_code']}" for p in row["postings"])
            click.echo(f"{row['username']:28} {postings}")


apikeys = AppGroup("apikeys", help="Partner API keys.")


@apikeys.command("create")
@click.option("--name", required=True)
@click.option("--channel", required=True, type=click.Choice(["WEB", "CSC", "KIOSK", "BSK", "GP", "DOORSTEP"]))
def apikeys_create(name, channel):
    """Issue a key for a partner system; the key is printed once."""
    from .accounts.tokens import create_api_key
    from .models import ApiKey, User
    if db.session.scalar(db.select(ApiKey).where(ApiKey.name == name)):
        _fail(f"An API key named {name} exists already.")
    user = User(username=f"apikey.{name.lower()}", name=f"Partner system {name}", language="en")
    db.session.add(user)
    db.session.flush()
    raw, _ = create_api_key(name, channel, user)
    db.session.commit()
    click.echo(raw)


@click.command("serve")
@click.option("--port", default=lambda: int(os.environ.get("PORT", 5000)), type=int)
@with_appcontext
def serve_command(port):
    """Run the web app on 127.0.0.1 with the scheduler in-process (development / embedded use).

    Production runs gunicorn (never a scheduler) and ``flask scheduler run`` separately (docs/deploy.md).
    """
    app = current_app._get_current_object()
    if not os.environ.get("PRAVAH_PUBLIC_URL"):  # links point where this server listens
        app.config["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
    try:
        from scheduler.runner import start_in_process
    except ImportError:
        start_in_process = None
    if start_in_process is not None:
        start_in_process(app)
    click.echo(f"Pravah on http://127.0.0.1:{port}/")
    # app.run() is a no-op inside the flask CLI (FLASK_RUN_FROM_CLI); run werkzeug's server directly.
    from werkzeug.serving import run_simple
    run_simple("127.0.0.1", port, app, threaded=True, use_reloader=False)


def register_cli(app) -> None:
    app.cli.add_command(serve_command)
    app.cli.add_command(deploy_command)
    app.cli.add_command(demo)
    app.cli.add_command(apikeys)
    from scheduler.cli import scheduler_cli
    app.cli.add_command(scheduler_cli)
    from .notifications.cli import notifications
    app.cli.add_command(notifications)
    from .certificates.cli import signing
    app.cli.add_command(signing)
    from .geography.cli import lgd
    app.cli.add_command(lgd)
    from .catalogue.cli import services
    app.cli.add_command(services)
    from .audit.cli import init_app as init_audit_cli
    init_audit_cli(app)
    from .processes.cli import init_app as init_processes_cli
    init_processes_cli(app)
