"""`manage.py signing_key [--generate PATH]`: make the digest signing key, or show its public half."""

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management.base import BaseCommand, CommandError

from audit import signing


class Command(BaseCommand):
    help = (
        "Print the public key of DIGEST_SIGNING_KEY_FILE (give it to whoever checks digests), or with "
        "--generate PATH write a new Ed25519 private key there (mode 0600, never overwritten) and print its public key."
    )

    def add_arguments(self, parser):
        parser.add_argument("--generate", metavar="PATH", help="Write a new private key (PEM) to PATH.")

    def handle(self, *args, generate=None, **options):
        try:
            if generate:
                key = Ed25519PrivateKey.generate()
                signing.write_private_key(Path(generate), key)
                self.stderr.write(f"Wrote {generate}; set DIGEST_SIGNING_KEY_FILE={generate}")
            else:
                key = signing.signing_key()
        except FileExistsError as exc:
            raise CommandError(f"{generate} exists: a signing key is never overwritten") from exc
        except (OSError, signing.SigningKeyError) as exc:
            raise CommandError(str(exc)) from exc
        public = key.public_key()
        self.stderr.write(f"key id {signing.key_id(public)}; check digests with verify_chains --public-key KEY")
        self.stdout.write(signing.public_key_text(public))
