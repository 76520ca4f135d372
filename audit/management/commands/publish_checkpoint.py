"""python manage.py publish_checkpoint: sign a checkpoint of every chain's Merkle tree that grew, now."""

from django.core.management.base import BaseCommand

from audit.services import checkpoints_publish


class Command(BaseCommand):
    help = "Extend every chain's Merkle tree and publish a signed checkpoint of each one that grew."

    def handle(self, *args, **options):
        published = checkpoints_publish(actor="system:publish_checkpoint")
        for item in published:
            self.stdout.write(f"{item['log']}: tree size {item['tree_size']}")
        self.stdout.write(f"{len(published)} checkpoint(s) published.")
