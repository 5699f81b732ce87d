"""docker-compose.yml can work as written: one store URL that the browser, the sidecar and WordPress all reach,
WooCommerce pinned to a version the WordPress image runs, a WordPress install step, and webhook delivery to the
sidecar's private host and port allowed. No container engine is needed: the file is read (and, where the Debian
``docker-compose`` client is installed, checked with ``docker-compose config -q``), the must-use plugin is run by
the PHP CLI against stand-ins for the two WordPress functions it calls."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import needs

yaml = pytest.importorskip("yaml")
ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
ENV = {"NSSYNC_SHARED_SECRET": "x" * 32, "NSSYNC_WP_ADMIN_PASSWORD": "test-password"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_the_file_passes_docker_compose_config(tmp_path):
    client = [shutil.which("docker-compose")]
    if client[0] is None:
        has_v2 = shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True,
                                                           check=False, timeout=30).returncode == 0
        needs(bool(has_v2), "no docker-compose (Debian package, installed by scripts/test-deps.sh) or docker compose")
        client = ["docker", "compose"]
    env = {**os.environ, **ENV}
    no_env_file = tmp_path / "empty.env"  # a developer's own .env must not decide the outcome
    no_env_file.write_text("")
    done = subprocess.run([*client, "--env-file", str(no_env_file), "-f", str(COMPOSE), "config", "-q"], env=env, capture_output=True, text=True,
                          cwd=ROOT, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    missing = subprocess.run([*client, "--env-file", str(no_env_file), "-f", str(COMPOSE), "config", "-q"], capture_output=True, text=True,
                             cwd=ROOT, check=False, timeout=60,
                             env={k: v for k, v in os.environ.items() if not k.startswith("NSSYNC_")})
    assert missing.returncode != 0 and "in .env" in missing.stderr  # a required secret is named, not defaulted


def test_the_store_url_reaches_wordpress_from_the_browser_and_from_the_network(compose):
    services = compose["services"]
    url = urlsplit(services["setup"]["environment"]["WP_URL"])
    wordpress = services["wordpress"]
    assert url.hostname.endswith(".localhost"), "browsers resolve *.localhost to this machine"
    assert url.hostname in wordpress["networks"]["default"]["aliases"], "and the network resolves it to WordPress"
    assert f"{url.port}:{url.port}" in wordpress["ports"], "same port published on the host and inside"
    command = " ".join(wordpress["command"])
    assert f"Listen {url.port}" in command and f"<VirtualHost *:{url.port}>" in command
    for name in ("sidecar", "worker"):  # nothing tells the sidecar the store is at localhost (itself)
        assert "localhost:" not in json.dumps(services[name]).replace(url.hostname, "")


def test_setup_installs_wordpress_then_pins_woocommerce_822(compose):
    setup = compose["services"]["setup"]
    script_mount = next(v for v in setup["volumes"] if v.startswith("./docker/wordpress/setup.sh:"))
    assert setup["entrypoint"][-1] == script_mount.split(":")[1]
    script = (ROOT / "docker/wordpress/setup.sh").read_text()
    assert "WOOCOMMERCE_VERSION=8.2.2" in script and '--version="$WOOCOMMERCE_VERSION"' in script
    assert script.index("wp core install") < script.index("wp plugin install woocommerce")
    assert "wp plugin activate woocommerce netsuite-sync-for-woocommerce" in script
    assert "wp rewrite structure" in script  # /wp-json/ needs pretty permalinks
    assert compose["services"]["wordpress"]["image"].startswith("wordpress:6.4")
    if shutil.which("sh"):
        assert subprocess.run(["sh", "-n", str(ROOT / "docker/wordpress/setup.sh")], check=False).returncode == 0


def test_webhooks_to_the_sidecar_are_allowed_and_nothing_else(compose):
    """WordPress refuses webhook deliveries to a private host or a port other than 80/443/8080; the plugin itself
    allows exactly the sidecar URL saved in its settings (wp-plugin/includes/class-nssync-webhook-delivery.php).
    The URL the README tells a compose user to save is the sidecar service's, and the plugin allows that one."""
    services = compose["services"]
    bind_port = int(services["sidecar"]["environment"]["SIDECAR_BIND"].rsplit(":", 1)[1])
    sidecar_url = f"http://sidecar:{bind_port}"
    assert f"`{sidecar_url}`" in (ROOT / "README.md").read_text()
    assert not any("mu-plugins" in v for v in services["wordpress"].get("volumes", []))  # the plugin does it

    php = shutil.which("php")
    needs(php is not None, "php is not installed")
    harness = """
    define('ABSPATH', '/');
    $options = array('nssync_sidecar_url' => getenv('SIDECAR_URL'), 'nssync_shared_secret' => 's');
    function get_option($name, $default = false) { global $options; return $options[$name] ?? $default; }
    function wp_parse_url($url) { return parse_url($url); }
    require getenv('PLUGIN') . '/includes/class-nssync-options.php';
    require getenv('PLUGIN') . '/includes/class-nssync-webhook-delivery.php';
    $d = new NSSync_Webhook_Delivery(new NSSync_Options());
    echo json_encode(array(
        'sidecar_external' => $d->host_is_external(false, 'sidecar'),
        'other_external' => $d->host_is_external(false, 'db'),
        'sidecar_ports' => $d->safe_ports(array(80, 443, 8080), 'sidecar'),
        'other_ports' => $d->safe_ports(array(80, 443, 8080), 'evil.example'),
    ));
    """
    done = subprocess.run([php, "-r", harness], capture_output=True, text=True, check=False, timeout=30,
                          env={**os.environ, "PLUGIN": str(ROOT / "wp-plugin"), "SIDECAR_URL": sidecar_url})
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout)
    assert result == {"sidecar_external": True, "other_external": False,
                      "sidecar_ports": [80, 443, 8080, bind_port], "other_ports": [80, 443, 8080]}
