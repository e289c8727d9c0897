# wushe: `make demo` takes a fresh clone to a running server; `make test` runs every test.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
WUSHE := $(BIN)/wushe
export WUSHE_DEMO_PASSWORD ?= Wushe@Demo2026
HOST ?= 127.0.0.1:8000

.PHONY: demo test lint bench install assets keys browser-deps messages clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Re-install when the pinned dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# Front-end packages are copied from npm into static/vendor: nothing is fetched from a CDN.
wushe/static/vendor/.copied: node_modules/.package-lock.json scripts/vendor_assets.py
	$(PY) scripts/vendor_assets.py
	touch $@

assets: wushe/static/vendor/.copied

# Secret and data keys for a local install, written once into var/ (kept out of git).
var/secret.key var/data.key: | $(BIN)/python
	mkdir -p var
	test -s var/secret.key || $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret.key
	test -s var/data.key || $(BIN)/python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())" > var/data.key
	chmod 600 var/secret.key var/data.key

keys: var/secret.key var/data.key

demo: install assets keys
	$(WUSHE) migrate --noinput
	WUSHE_DEMO=1 $(WUSHE) seed_demo --scale small
	@echo ""
	@echo "演示账号 (demo logins), 密码 password: $(WUSHE_DEMO_PASSWORD)"
	@echo "  admin 系统管理员 · anquan 安全管理员 · shenji 审计管理员 · minzheng 民政管理"
	@echo "  jiedao 街道管理员 · zhanzhang 站长 · shegong 社工 · dudao 督导 · shegong_b 社工(另一街道)"
	@echo "  zuzhi 社会组织负责人 · zhiyuan 志愿者"
	@echo "打开 open http://$(HOST)/"
	@# The background worker (imports) runs beside the web server and stops with it.
	WUSHE_DEMO=1 $(WUSHE) db_worker --interval 1 & trap 'kill $$!' EXIT; WUSHE_DEMO=1 $(WUSHE) runserver $(HOST)

# Headless Chromium and CJK fonts for the browser tests (Debian packages).
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; \
	fi

test: install assets keys browser-deps
	$(BIN)/pytest -q -n 2

lint: install
	$(BIN)/ruff check wushe tests bench scripts
	$(WUSHE) makemigrations --check --dry-run

bench: install assets keys
	$(BIN)/python bench/station_list.py
	$(BIN)/python bench/people_import.py
	$(BIN)/python bench/resident_list.py
	$(BIN)/python bench/people_export.py
	$(BIN)/python bench/qr_sign_in.py
	$(BIN)/python bench/stats_dashboard.py

clean:
	rm -rf $(VENV) node_modules wushe/static/vendor var/static

# Re-extract and compile translations (needs GNU gettext: apt-get install gettext).
messages: install
	$(BIN)/python scripts/messages.py
