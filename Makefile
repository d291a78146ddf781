# Admin Console — `make run` starts the app, `make test` runs every test.
# Both install what is missing on a fresh Debian or Ubuntu machine.

SHELL := /bin/bash
WAILS_VERSION := v2.15.0
WAILS := $(CURDIR)/.bin/wails
TAGS := webkit2_41
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
BIN := build/bin/admin-console
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian packages: to build (GTK 3, WebKitGTK 4.1) and to test (a headless
# desktop with a keychain, a browser engine for Playwright, screenshot tools).
APT_BUILD := build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev
APT_TEST := xvfb xauth dbus-x11 gnome-keyring xdotool imagemagick chromium sqlite3 fonts-noto-core poppler-utils

export PATH := $(CURDIR)/.bin:$(PATH)

.PHONY: run demo build build-windows test test-go test-frontend test-e2e test-smoke bench deps deps-build deps-test frontend clean

run: build
	./$(BIN) $(ARGS)

build: deps-build frontend
	$(WAILS) build -tags $(TAGS) -trimpath -s -ldflags "$(LDFLAGS)" -o admin-console

# Windows needs no cgo: the .exe cross-builds from here.
build-windows: $(WAILS) frontend
	$(WAILS) build -platform windows/amd64 -trimpath -s -ldflags "$(LDFLAGS)" -o admin-console.exe

# The generated bindings (frontend/src/lib/wailsjs) are committed; `wails
# build` regenerates them, so a changed service shows up in the diff.
frontend: frontend/node_modules/.installed
	cd frontend && npm run build

frontend/node_modules/.installed: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

deps-build: $(WAILS)
	@scripts/apt-ensure.sh $(APT_BUILD)

deps-test: deps-build
	@scripts/apt-ensure.sh $(APT_TEST)

$(WAILS):
	GOBIN=$(CURDIR)/.bin go install github.com/wailsapp/wails/v2/cmd/wails@$(WAILS_VERSION)

deps: deps-test frontend/node_modules/.installed

# Everything: Go (race detector, real keychain under a headless desktop
# session), the frontend's type check and unit tests, the end-to-end run in
# Chromium against `wails dev`, and the smoke test of the production binary.
test: deps build test-go test-frontend test-e2e test-smoke

test-go: deps-test
	ADMIN_CONSOLE_REQUIRE_KEYCHAIN=1 ADMIN_CONSOLE_REQUIRE_TOOLS=1 ADMIN_CONSOLE_KEEP_INVOICES=1 \
		scripts/with-desktop.sh go test -race -count=1 -tags $(TAGS) ./...

test-frontend: frontend/node_modules/.installed
	cd frontend && npm run check && npm test

# The organization run uses the production binary's set-plan command.
test-e2e: deps-test build
	cd frontend && ../scripts/with-desktop.sh node e2e/e2e.mjs
	cd frontend && ../scripts/with-desktop.sh node e2e/organizations.mjs
	cd frontend && ../scripts/with-desktop.sh node e2e/billing.mjs
	cd frontend && ../scripts/with-desktop.sh node e2e/security.mjs
	cd frontend && ../scripts/with-desktop.sh node e2e/capture.mjs
	cd frontend && ../scripts/with-desktop.sh node e2e/privacy.mjs
	cd frontend && ../scripts/with-desktop.sh node e2e/audit.mjs

test-smoke: deps-test build
	scripts/with-desktop.sh scripts/smoke.sh ./$(BIN)

# A fresh data directory with a demo organization, and the app on it.
DEMO_DIR ?= $(CURDIR)/.demo
demo: build
	rm -rf "$(DEMO_DIR)"
	./$(BIN) --data-dir "$(DEMO_DIR)" demo

bench: deps-test build
	go test -run '^$$' -bench . -skip 'ImportMillion|Export100k|AuditMillion' -benchtime 20x ./backend/...
	go test -run '^$$' -bench ImportMillion -benchtime 1x ./backend/billing/
	go test -run '^$$' -bench AuditMillion -benchtime 1x ./backend/audit/
	go test -run '^$$' -bench Export100k -benchtime 3x ./backend/capture/
	scripts/with-desktop.sh scripts/bench-startup.sh ./$(BIN)

clean:
	rm -rf build/bin frontend/dist/assets frontend/dist/index.html test-output
