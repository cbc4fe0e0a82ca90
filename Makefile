# The two commands of the README: `make demo` and `make test`.
# Everything else here is what those two need on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: demo test setup setup-test system-packages postgres lint fuzz-short test-sqlite test-postgres \
        messages-extract messages-update messages-compile

demo: setup
	$(BIN)/kurswerk demo

# The two database runs are independent processes (own database, own temp folders, own
# ports), so they run side by side; -O keeps each run's output in one piece.
test: setup-test lint fuzz-short
	$(MAKE) --no-print-directory -O -j2 test-sqlite test-postgres

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

setup: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[postgres]'
	$(MAKE) --no-print-directory messages-compile

setup-test: $(BIN)/python system-packages postgres
	$(BIN)/pip install --quiet -e '.[postgres,test]'
	npm ci --silent --no-audit --no-fund
	$(MAKE) --no-print-directory messages-compile

# Debian packages the tests use: Chromium for the browser tests (Playwright drives it by
# executable_path), clamd for the virus-scan tests (with a local signature file) and
# LibreOffice Writer without its GUI (about 90 MB, without the recommended extras) to turn
# the filled Word worksheet templates into PDFs as a learner's word processor does.
SYSTEM_PACKAGES := chromium clamav-daemon libreoffice-writer-nogui
system-packages:
	@missing=""; lean=""; command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	  [ -x /usr/sbin/clamd ] || missing="$$missing clamav-daemon"; \
	  command -v soffice >/dev/null 2>&1 || lean="libreoffice-writer-nogui"; \
	  if [ -n "$$missing$$lean" ]; then \
	    if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	      { [ -z "$$missing" ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; } && \
	      { [ -z "$$lean" ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$lean >/dev/null; }; \
	    else echo "Missing Debian packages:$$missing $$lean (install them, e.g. with sudo apt-get install)" >&2; exit 1; fi; \
	  fi

# PostgreSQL on 127.0.0.1:5432 (trust auth); start the local cluster if it is down.
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -n1) main start; \
	  for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }
	@pg_isready -h 127.0.0.1 -p 5432

# The texts: German message ids in the code and templates, one gettext catalog per other
# language in kurswerk/locale/<language>/LC_MESSAGES/messages.po (see the README, "Texts
# and languages"). extract: the code -> messages.pot; update: messages.pot -> each .po;
# compile: each .po -> the .mo the app reads (not committed; setup and setup-test run it).
LOCALE_DIR      := kurswerk/locale
MESSAGE_SOURCES := kurswerk lti course coaching uploads feedback
messages-extract:
	PYTHONPATH=$(CURDIR) $(BIN)/pybabel -q extract -F babel.cfg -o $(LOCALE_DIR)/messages.pot \
	  --project=Kurswerk --version=- --copyright-holder=Kurswerk --msgid-bugs-address=- \
	  --add-comments=Translators: --sort-by-file $(MESSAGE_SOURCES)

messages-update: messages-extract
	$(BIN)/pybabel -q update -i $(LOCALE_DIR)/messages.pot -d $(LOCALE_DIR) -D messages \
	  --ignore-obsolete

messages-compile:
	$(BIN)/pybabel -q compile -d $(LOCALE_DIR) -D messages

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Coverage-guided fuzzing (atheris) of what parses hostile input, about FUZZ_SECONDS each:
# the Markdown sanitiser and the PDF check (see the README, "Fuzzing"). Starts
# from the seed corpus in a throw-away folder; a finding stops it, is written to
# fuzz/findings/ and fails the target (make it a regression test: a corpus file + pytest).
FUZZ_SECONDS ?= 45
FUZZ_TARGETS := usertext pdfcheck
fuzz-short:
	@mkdir -p fuzz/findings; work=$$(mktemp -d); trap 'rm -rf "$$work"' EXIT; \
	for target in $(FUZZ_TARGETS); do \
	  mkdir -p "$$work/$$target"; \
	  PYTHONPATH=$(CURDIR) $(BIN)/python -m fuzz.$$target -dict=fuzz/$$target.dict \
	    -max_total_time=$(FUZZ_SECONDS) -timeout=60 -rss_limit_mb=2048 -max_len=131072 \
	    -print_final_stats=1 -artifact_prefix=fuzz/findings/$$target- \
	    "$$work/$$target" fuzz/corpus/$$target > "$$work/$$target.log" 2>&1 \
	    || { tail -n 40 "$$work/$$target.log"; echo "fuzz-short: finding in $$target" >&2; exit 1; }; \
	  echo "fuzz $$target: $$(grep -E '^Done' "$$work/$$target.log"), $$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$$work/$$target.log" | tail -n 1)"; \
	done

test-sqlite:
	KURSWERK_TEST_DATABASE=sqlite $(BIN)/pytest

test-postgres:
	KURSWERK_TEST_DATABASE=$(PG_URL) $(BIN)/pytest

# Mozilla PDF.js, served as our own static files (the workbench's viewer; see the README,
# "The PDF viewer (PDF.js)"): copies what the viewer loads from node_modules/pdfjs-dist
# (the version package.json names, installed by `npm ci`) into kurswerk/static/vendor/pdfjs/:
# the library, its worker, character maps, standard fonts, image decoders and the icons
# of the PDF's own notes (PDF.js's annotation layer).
# tests/kurswerk/test_vendored_pdfjs.py checks the copies are byte-identical.
PDFJS_SRC   := node_modules/pdfjs-dist
PDFJS_DEST  := kurswerk/static/vendor/pdfjs
PDFJS_FILES := LICENSE build/pdf.min.mjs build/pdf.worker.min.mjs cmaps standard_fonts \
               wasm/openjpeg.wasm wasm/openjpeg_nowasm_fallback.js wasm/LICENSE_OPENJPEG \
               wasm/LICENSE_PDFJS_OPENJPEG wasm/jbig2.wasm wasm/jbig2_nowasm_fallback.js \
               wasm/LICENSE_JBIG2 wasm/LICENSE_PDFJS_JBIG2
.PHONY: vendor-pdfjs
vendor-pdfjs:
	rm -rf $(PDFJS_DEST) && mkdir -p $(PDFJS_DEST)/build $(PDFJS_DEST)/wasm $(PDFJS_DEST)/web/images
	for f in $(PDFJS_FILES); do cp -R $(PDFJS_SRC)/$$f $(PDFJS_DEST)/$$f; done
	cp $(PDFJS_SRC)/web/images/annotation-*.svg $(PDFJS_DEST)/web/images/

# The text font, Source Sans 3 (SIL Open Font License 1.1), served as our own static
# files: the variable font (every weight in one file per style) of @fontsource-variable/
# source-sans-3 (the version package.json names, installed by `npm ci`), only its latin
# and latin-ext subsets (German, English and the other Latin-script names), copied with
# the licence into kurswerk/static/vendor/source-sans-3/; kurswerk.css declares them
# (font-display: swap). tests/kurswerk/test_vendored_font.py checks the copies.
FONT_SRC   := node_modules/@fontsource-variable/source-sans-3
FONT_DEST  := kurswerk/static/vendor/source-sans-3
FONT_FILES := $(foreach subset,latin latin-ext,$(foreach style,normal italic,files/source-sans-3-$(subset)-wght-$(style).woff2))
.PHONY: vendor-fonts
vendor-fonts:
	rm -rf $(FONT_DEST) && mkdir -p $(FONT_DEST)/files
	cp $(FONT_SRC)/LICENSE $(FONT_DEST)/LICENSE
	for f in $(FONT_FILES); do cp $(FONT_SRC)/$$f $(FONT_DEST)/$$f; done
