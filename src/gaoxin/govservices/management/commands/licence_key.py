"""gaoxin licence_key [--rotate]: show the e-licence signing key in use, or start signing with a new one."""

from django.core.management.base import BaseCommand

from gaoxin.govservices.services import licences


class Command(BaseCommand):
    help = "查看或轮换电子证照签名密钥（旧密钥保留，已签发的证照仍可核验）"

    def add_arguments(self, parser):
        parser.add_argument("--rotate", action="store_true", help="生成新密钥并用于此后的签发")

    def handle(self, *args, rotate=False, **options):
        if rotate:
            kid = licences.signing_key_rotate(actor=None)
            self.stdout.write(f"已启用新签名密钥 {kid}")
        else:
            self.stdout.write(f"当前签名密钥 {licences.current_key_id()}（目录 {licences.keys_dir()}）")
