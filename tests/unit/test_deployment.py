"""The Dockerfile, compose file, Streamlit config and README agree.

No Docker engine runs on the development machines, so these checks keep the
container honest; CI builds the same environment from requirements.txt.
"""

from __future__ import annotations

import re
import tomllib

from dlcore.upload import MAX_UPLOAD_BYTES
from tests.conftest import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()
README = (ROOT / "README.md").read_text()
COMPOSE = (ROOT / "docker-compose.yml").read_text()
CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())


def instruction(name: str) -> list[str]:
    joined = DOCKERFILE.replace("\\\n", " ")
    return [line.split(None, 1)[1] for line in joined.splitlines() if line.startswith(name + " ")]


def test_dockerfile_base_user_port_health_and_command() -> None:
    assert instruction("FROM") == ["python:3.11-slim"]
    users = instruction("USER")
    assert users and users[-1] not in {"root", "0"}
    assert "useradd" in DOCKERFILE
    assert instruction("EXPOSE") == ["8501"]
    (health,) = instruction("HEALTHCHECK")
    assert "http://127.0.0.1:8501/_stcore/health" in health
    (cmd,) = instruction("CMD")
    assert cmd == '["streamlit", "run", "app.py", "--server.address=0.0.0.0", "--server.port=8501"]'
    assert "pip install --no-cache-dir -r requirements.txt" in DOCKERFILE


def test_readme_gives_the_docker_commands_that_match() -> None:
    assert "docker build -t dl-playground ." in README
    assert "docker run -p 8501:8501 dl-playground" in README
    assert "docker compose up -d" in README
    assert "sticky sessions" in README


def test_compose_has_restart_health_memory_and_slots() -> None:
    assert "restart: unless-stopped" in COMPOSE
    assert "/_stcore/health" in COMPOSE
    assert re.search(r"mem_limit: \d+g", COMPOSE)
    assert "DLP_WORKERS" in COMPOSE
    assert '"8501:8501"' in COMPOSE


def test_streamlit_config_is_classroom_safe() -> None:
    assert CONFIG["browser"]["gatherUsageStats"] is False
    assert CONFIG["server"]["enableXsrfProtection"] is True
    assert CONFIG["server"]["maxUploadSize"] * 1000 * 1000 == MAX_UPLOAD_BYTES  # Streamlit's browser check


def test_readme_commands_are_what_ci_runs() -> None:
    run_cmd = "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt && .venv/bin/streamlit run app.py"
    test_cmd = "python3 -m venv .venv && .venv/bin/pip install -r requirements-dev.txt && .venv/bin/python -m pytest"
    assert run_cmd in README and test_cmd in README
    ci = (ROOT / ".ci" / "run").read_text()
    assert "-r requirements-dev.txt" in ci and ".venv/bin/python -m pytest" in ci


def test_requirements_are_pinned_and_cpu_tensorflow_on_linux_x86() -> None:
    lines = [row for row in (ROOT / "requirements.txt").read_text().splitlines() if row and not row.startswith("#")]
    assert all("==" in line for line in lines)
    assert any(row.startswith("tensorflow-cpu==") and 'platform_machine == "x86_64"' in row for row in lines)


def test_container_keeps_its_data_in_a_volume_owned_by_the_app_user() -> None:
    assert instruction("ENV").count("DLP_DATA_DIR=/data") == 1
    (setup,) = [run for run in instruction("RUN") if "useradd" in run]
    assert "chown playground:playground /data" in setup and "chmod 700 /data" in setup
    assert "DLP_DATA_DIR: /data" in COMPOSE
    assert re.search(r"volumes:\n\s+- playground-data:/data\n", COMPOSE)
    assert re.search(r"^volumes:\n\s+playground-data:", COMPOSE, re.MULTILINE)
    assert "/tmp" not in DOCKERFILE + COMPOSE


def test_readme_lists_every_limit_with_the_values_the_code_uses() -> None:
    from dlcore import budget
    from dlcore.runtime import model_store
    from dlcore.runtime.runs import RUN_CAP
    from dlcore.spec import MAX_EPOCHS, MAX_PARAMS, MAX_WIDTH
    from dlcore.upload import MAX_COLUMNS, MIN_ROWS

    section = README.split("## Security and limits", 1)[1].split("\n## ", 1)[0]
    assert README.index("## Docker") < README.index("## Security and limits") < README.index("## Performance")
    assert f"{MAX_UPLOAD_BYTES / 1e6:.0f} MB = {MAX_UPLOAD_BYTES:,} bytes" in section
    assert f"{budget.DEFAULT_BUDGET_SECONDS:.0f} seconds of one trainer (`DLP_RUN_BUDGET_SECONDS`)" in section
    assert f"{model_store.DEFAULT_MAX_HOURS:g} hours (`DLP_MODEL_MAX_HOURS`)" in section
    assert f"{model_store.DEFAULT_STORE_MB:,} MB in all (`DLP_MODEL_STORE_MB`) and {model_store.MAX_FILES} files" in section
    assert f"{budget.ETA_SHOWN_ABOVE_SECONDS:.0f} s or more shows its estimate" in section
    for number in (MAX_COLUMNS, MIN_ROWS, RUN_CAP, f"{MAX_EPOCHS:,}", f"{MAX_WIDTH:,}", f"{MAX_PARAMS:,}"):
        assert str(number) in section
    assert "RESULT_" not in section  # the measured numbers are filled in


def test_readme_lists_the_store_and_class_limits_the_code_uses() -> None:
    from dlcore.runtime.runs import RUN_CAP
    from dlcore.store import classes, runs

    section = README.split("## Security and limits", 1)[1].split("\n## ", 1)[0]
    assert f"the last {RUN_CAP} per page" in section
    assert f"{runs.DEFAULT_WORKSPACE_RUNS} per workspace, all pages together (`DLP_WORKSPACE_RUNS`)" in section
    assert f"{classes.DEFAULT_MAX_MEMBERS} students per class (`DLP_CLASS_MAX_MEMBERS`)" in section
    assert f"{classes.DEFAULT_MAX_POSTS} per student and class (`DLP_CLASS_MAX_POSTS`)" in section
    assert f"1 to {classes.NAME_MAX} characters" in section
    assert f"{runs.WORKSPACE_BYTES * 8} random bits" in section
    assert f"teacher key ({classes.TEACHER_KEY_BYTES * 8} bits)" in section
    assert f"{classes.CODE_LENGTH} characters from {len(classes.CODE_ALPHABET)}" in section


def test_compose_offers_postgres_and_a_second_server_sharing_it() -> None:
    assert "image: postgres:15" in COMPOSE
    assert 'profiles: ["shared"]' in COMPOSE
    assert 'DLP_DATABASE_URL: "${DLP_DATABASE_URL:-}"' in COMPOSE
    assert '"8502:8501"' in COMPOSE
    assert "docker compose --profile shared up -d" in COMPOSE  # the commands, at the top of the file
    assert "compose profile `shared`" in README


def test_the_shipped_nginx_config_is_sticky_per_browser_with_websockets_and_the_upload_limit() -> None:
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    directives = [line.split("#", 1)[0].strip() for line in conf.splitlines()]
    assert "hash $dlp_server consistent;" in directives
    assert "ip_hash;" not in directives  # a classroom behind one /24 would land on one server
    assert "proxy_set_header Upgrade $http_upgrade;" in directives
    assert "proxy_set_header Connection $connection_upgrade;" in directives
    (body,) = [d for d in directives if d.startswith("client_max_body_size")]
    assert int(body.split()[1].rstrip("m;")) * 1024 * 1024 >= MAX_UPLOAD_BYTES
