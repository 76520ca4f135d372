"""`manage.py publish_digest`: publish the chain heads now (what the beat task does hourly)."""

from django.core.management.base import BaseCommand

from audit.digest import digest_file
from audit.services import digest_publish


class Command(BaseCommand):
    help = "Append the current chain heads to the digest file (and POST them to DIGEST_WEBHOOK_URL if set)."

    def handle(self, *args, **options):
        published = digest_publish(actor="system:publish_digest")
        for head in published["heads"]:
            self.stdout.write(f"{head['table']} [{head['chain']}]: head seq {head['head_seq']} {head['head_hash']}")
        self.stdout.write(self.style.SUCCESS(f"Published {len(published['heads'])} chain heads to {digest_file()}"))
