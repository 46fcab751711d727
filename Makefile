# joblab: the Kubernetes lesson on Jobs and CronJobs, as executable truth.
# `make help` lists the targets.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO        ?= go
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
ARTIFACTS ?= $(CURDIR)/_artifacts
export ARTIFACTS
# KUBERNETES=v1.36.3 (or 1.36) picks the cluster's release; the suites
# read it too, so they reuse that cluster.
ifdef KUBERNETES
export JOBLAB_KUBERNETES := $(KUBERNETES)
endif

GOLANGCI_LINT_VERSION := v2.15.0
BIN       := $(CURDIR)/bin
JOBLAB    := $(BIN)/joblab
GINKGO    := $(GO) run github.com/onsi/ginkgo/v2/ginkgo
PROCS     ?= 6
SIZES     ?= 1,5,10
# Colour only on a terminal, never with NO_COLOR or in CI (checked when a
# recipe runs, where the terminal is known).
NO_COLOR_FLAG = $$( [ -t 1 ] && [ -z "$${NO_COLOR:-}" ] && [ -z "$${CI:-}" ] || echo --no-color )
# LABS_DIR holds lab folders (joblab/v1) that make lab can run beside the lesson's.
LABS_DIR ?= examples/labs
GINKGO_FLAGS ?= -v $(NO_COLOR_FLAG) --keep-going --tags e2e --procs=$(PROCS) --output-dir=$(ARTIFACTS) --junit-report=junit.xml --json-report=report.json --timeout=80m

.PHONY: help
help: ## Show this help.
	@if [ -t 1 ] && [ -z "$${NO_COLOR:-}" ]; then on='\033[36m'; off='\033[0m'; else on=; off=; fi; \
	awk -v on="$$on" -v off="$$off" 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  %s%-16s%s %s\n", on, $$1, off, $$2}' $(MAKEFILE_LIST)

##@ Main commands

# With JOBLAB_KUBECONFIG the suites use that cluster as it is: no Docker,
# no kind, no image build.
CLUSTER_STEP := $(if $(JOBLAB_KUBECONFIG),,cluster)

.PHONY: e2e
e2e: $(CLUSTER_STEP) ## Run the whole lesson suite on a kind cluster it creates (or reuses).
	$(GINKGO) $(GINKGO_FLAGS) ./suites/smoke ./suites/lessons ./suites/leastprivilege ./suites/cli
	@echo "reports: $(ARTIFACTS)/summary.md, $(ARTIFACTS)/junit.xml, $(ARTIFACTS)/benchmark.json"

.PHONY: lab
lab: build ## Run one lab: make lab LAB=<name> (the names: bin/joblab list --labs $(LABS_DIR); LAB=modern for the modern track; LABS_DIR=<folder> for lab folders, examples/labs by default).
	@labs="$$($(JOBLAB) list -o name --labs $(LABS_DIR) | tr '\n' ' ')modern "; if [[ -z "$(LAB)" || " $$labs" != *" $(LAB) "* ]]; then \
		echo "unknown lab '$(LAB)'. The labs are: $$labs"; echo "usage: make lab LAB=normal"; exit 2; fi
	$(if $(CLUSTER_STEP),@$(MAKE) --no-print-directory cluster)
	JOBLAB_LABS=$(abspath $(LABS_DIR)) $(GINKGO) $(GINKGO_FLAGS) --label-filter='$(LAB)' ./suites/lessons

.PHONY: mutants
mutants: ## Run the mutation catalogue on a warm cluster: the tree's mutants and equivalent answers, then the cluster mutants (make mutants LAB=prime for one lab; MUTANTS="id ..." for some tree mutants).
	$(GO) run ./tools/mutants $(if $(LAB),-lab $(LAB)) $(MUTANTS)
	$(if $(MUTANTS),,$(MAKE) --no-print-directory mutants-cluster)

.PHONY: mutants-cluster
mutants-cluster: ## Break the kind cluster in the ways classrooms break (a controller off, a flag changed, a node cordoned, a port dropped), one lab on each, restored after.
	$(GO) run ./tools/mutants -cluster $(if $(LAB),-lab $(LAB))

.PHONY: mutants-grade
mutants-grade: ## Judge the catalogue's manifest mutants and equivalent answers by the manifest comparison alone (server-side dry runs on the cluster; seconds).
	$(GO) run ./tools/mutants -grade $(if $(LAB),-lab $(LAB)) $(MUTANTS)

.PHONY: matrix
matrix: build ## Run every lab on each Kubernetes release joblab knows, one after the other (RELEASES=v1.34.2,v1.37.2 for some); writes _artifacts/matrix/matrix.{md,html,json}.
	$(GO) run ./tools/matrix -joblab $(JOBLAB) $(if $(RELEASES),-releases $(RELEASES)) $(LABS)

.PHONY: upstream-e2e
upstream-e2e: $(CLUSTER_STEP) ## Build Kubernetes' own e2e suite for the cluster's release and run its non-slow [sig-apps] Job and CronJob tests on the cluster (not part of make e2e).
	$(GO) run ./tools/upstreame2e

.PHONY: mutants-list
mutants-list: ## List the mutation catalogue (LAB=<name> for one lab).
	$(GO) run ./tools/mutants -list $(if $(LAB),-lab $(LAB)) $(MUTANTS)

.PHONY: bench-class
bench-class: build $(CLUSTER_STEP) ## Measure joblab verify on classes of SIZES namespaces (default 1,5,10) under the shipped Role (IN_CLUSTER=1: graded as an Indexed Job in the cluster; LABS="a b" for some labs); writes _artifacts/bench-class/benchmark.json.
	$(GO) run ./tools/benchclass -sizes $(SIZES) -joblab $(JOBLAB) $(if $(IN_CLUSTER),-in-cluster) $(LABS)

.PHONY: test
test: prepare-host test-unit test-report e2e mutants-grade ## Run the unit tests, the report's browser test, the suites on a real cluster, then grade the manifest mutants and equivalent answers on it.

##@ Pieces

.PHONY: build
build: ## Build the joblab command into bin/.
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-s -w -X main.version=$(VERSION)" -o $(JOBLAB) ./cmd/joblab

.PHONY: test-unit
test-unit: broker ## Unit tests, and the lab programs against a real RabbitMQ (no cluster needed).
	$(GO) test -count=1 ./...

.PHONY: test-report
test-report: ## Render the HTML report in headless Chromium (Debian's chromium) and check every lab section.
	$(GO) test -count=1 -tags browser -run Chromium ./internal/report

.PHONY: broker
broker: ## Start Debian's RabbitMQ on 127.0.0.1:5672 for the lab programs' tests (idempotent).
	tools/start-rabbitmq.sh

.PHONY: prepare-host
prepare-host: ## Install and start what joblab needs on this host (Docker engine, Debian tools). Needs root the first time.
	@tools/prepare-host.sh --check >/dev/null 2>&1 || tools/prepare-host.sh

.PHONY: node-image
node-image: build ## Build (or reuse) the offline kind node image and control-plane images.
	$(JOBLAB) node-image --log-dir $(ARTIFACTS)/logs

.PHONY: cluster
cluster: prepare-host build ## Create the kind cluster, or reuse a healthy one (builds images offline).
	$(JOBLAB) up --log-dir $(ARTIFACTS)/logs

.PHONY: cluster-delete
cluster-delete: build ## Delete the kind cluster and stop the registry mirror.
	$(JOBLAB) down

##@ Code quality

.PHONY: verify
.PHONY: docs
docs: ## Write the README's lab tables and docs/lessonlabs.md from the lab folders (lessonlabs/).
	$(GO) run ./tools/labdocs

verify: fmt-check vet lint ## gofmt, go vet and golangci-lint.

.PHONY: fmt-check
fmt-check: ## Fail when a Go file is not gofmt-formatted.
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [[ -n "$$out" ]]; then echo "not gofmt-formatted:"; echo "$$out"; exit 1; fi

.PHONY: vet
vet: ## go vet, with and without the e2e build tag.
	$(GO) vet ./...
	$(GO) vet -tags e2e ./...

.PHONY: lint
lint: $(BIN)/golangci-lint ## golangci-lint with .golangci.yml.
	$(BIN)/golangci-lint run --build-tags e2e ./...

$(BIN)/golangci-lint:
	GOBIN=$(BIN) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)

.PHONY: clean
clean: ## Remove build output and artifacts (not the image cache).
	rm -rf $(BIN) $(ARTIFACTS)
