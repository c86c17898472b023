"""`python -m bot.staff`: loopback, port from the environment, no access log, needs the keyring."""

from nacl.public import PrivateKey

import bot.staff.__main__ as staff_main
from bot.reports.crypto import encode_key


def test_main_runs_on_loopback_without_access_log(tmp_path, monkeypatch):
    keyring = tmp_path / "private.keys"
    keyring.write_text(encode_key(PrivateKey.generate()) + "\n")
    keyring.chmod(0o600)
    monkeypatch.setenv("ZICHT_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'z.db'}")
    monkeypatch.setenv("ZICHT_PRIVATE_KEY_FILE", str(keyring))
    monkeypatch.setenv("ZICHT_STAFF_PORT", "18123")
    seen = {}

    def run_app(app, **kwargs):
        seen.update(kwargs, app=app)

    monkeypatch.setattr(staff_main.web, "run_app", run_app)
    assert staff_main.main() == 0
    assert seen["host"] == "127.0.0.1" and seen["port"] == 18123
    assert "access_log" in seen and seen["access_log"] is None


def test_main_refuses_to_start_without_the_keyring(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ZICHT_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("ZICHT_PRIVATE_KEY_FILE", raising=False)
    assert staff_main.main() == 1
    assert "ZICHT_PRIVATE_KEY_FILE" in capsys.readouterr().err
