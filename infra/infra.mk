# Infrastructure targets, included by the root Makefile.
#   make synth        synthesize both stages into infra/cdk.out (offline; no AWS account needed)
#   make test-infra   assertions, cfn-lint, cdk-nag and the diagram check over both stages
#   make lint-infra   cfn-lint over the synthesized templates
#   make diagram      regenerate docs/architecture.{dot,svg,png} (needs Graphviz: apt-get install graphviz)
#   make compose-config  render docker-compose.yml (needs Docker with the compose plugin)

INFRA_DIR := infra
CDK_OUT := $(INFRA_DIR)/cdk.out

.PHONY: synth test-infra lint-infra diagram compose-config

synth: setup
	cd $(INFRA_DIR) && $(UV) run --frozen --package shipdeck-infra python app.py
	@echo "templates in $(CDK_OUT)/"

test-infra: setup
	$(PYTEST) $(INFRA_DIR)/tests -q

lint-infra: synth
	$(UV) run --frozen cfn-lint $(CDK_OUT)/*.template.json

diagram:
	cd $(INFRA_DIR) && $(UV) run --frozen --package shipdeck-infra python -m shipdeck_infra.diagram

compose-config:
	docker compose config --quiet
