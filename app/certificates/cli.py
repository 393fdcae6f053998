"""``flask signing …``: demo PKI for development and demos. Register with
``app.cli.add_command(signing)`` in the factory."""
import click
from flask import current_app
from flask.cli import AppGroup

from . import pki, qrkeys
from .operations import keys_dir

signing = AppGroup("signing", help="Signing keys (demo CA, officer and office keys).")


def _officers_and_offices():
    """(slug, CN, unit) for every PRADHAN/BDO posting holder and every GP/BLOCK office, if the
    tables exist (a fresh checkout may run this before `flask db upgrade`)."""
    from sqlalchemy.exc import SQLAlchemyError

    from ..extensions import db
    from ..models import Office, Posting, User
    try:
        users = db.session.execute(
            db.select(User).join(Posting).where(Posting.role.in_(("PRADHAN", "BDO", "SDO", "DM")))
        ).unique().scalars().all()
        offices = db.session.execute(db.select(Office).where(Office.level.in_(("GP", "BLOCK")))).scalars().all()
    except SQLAlchemyError:
        db.session.rollback()
        return []
    out = [(pki.slug("user", u.username), u.name, None) for u in users]
    out += [(pki.slug("office", o.code), o.name, o.level) for o in offices]
    return out


@signing.command("init-demo")
@click.option("--keys-dir", "directory", type=click.Path(), default=None,
              help="Default: <DATA_DIR>/keys (PRAVAH_DATA_DIR).")
@click.option("--force", is_flag=True, help="Recreate the CA and every key.")
@click.option("--no-db", is_flag=True, help="Only the CA and the default office key.")
@click.option("--key-type", type=click.Choice(sorted(pki.KEY_TYPES)), default="ec", show_default=True,
              help="Signing keys: ECDSA P-256 (fast) or RSA-2048.")
def init_demo_command(directory, force, no_db, key_type):
    """Create a demo root CA, a Class 3-like intermediate and PKCS#12 signing keys (existing ones are kept)."""
    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("Refusing to create demo signing keys with PRAVAH_ENV=production: install the "
                                   "officers' Class 3 DSC keys (PKCS#12 or PKCS#11) instead.")
    target = directory or keys_dir(current_app.config)
    signers = [] if no_db else _officers_and_offices()
    passphrase = current_app.config.get("SIGNING_P12_PASSPHRASE", pki.DEMO_PASSPHRASE)
    made = pki.init_demo(target, signers, passphrase=passphrase, force=force, key_type=key_type)
    qr_key = qrkeys.ensure_demo_key({**current_app.config, "SIGNING_KEYS_DIR": target})
    click.echo(f"root CA: {made['root']}")
    click.echo(f"QR signing key: {qr_key}")
    click.echo(f"{len(made['signers'])} signing keys under {target}/signers")


@signing.command("trust-root")
@click.option("--keys-dir", "directory", type=click.Path(), default=None)
def trust_root_command(directory):
    """Print the demo root certificate (PEM) a verifier trusts."""
    click.echo(pki.trust_root_pem(directory or keys_dir(current_app.config)).decode(), nl=False)


@signing.command("rotate-qr-key")
def rotate_qr_key_command():
    """Make a new QR signing key; the old public key stays trusted (docs/qr-payload.md)."""
    old, new = qrkeys.rotate(current_app.config)
    click.echo(f"new QR key {new}" + (f"; previous key {old} kept in {qrkeys.previous_keys_dir(current_app.config)}"
                                     if old else ""))
