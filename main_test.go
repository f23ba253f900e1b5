package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestProviderLogsOnlyWhenAsked runs `terraform validate` through the real provider binary (dev_overrides, nothing
// installed) with and without Terraform's log variables, and counts the log lines the provider writes to its
// standard error, by logger: none at all unless a variable asks for them, and with any of them set the SDK's and
// the framework's lines are there, the same number whichever variable asked. A wrapper script copies the
// provider's standard error to a file, because Terraform itself discards those lines when TF_LOG is unset.
func TestProviderLogsOnlyWhenAsked(t *testing.T) {
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH is not set: run `eval \"$(scripts/terraform-cli.sh --print-env)\"` first")
	}
	dir := t.TempDir()
	binary := filepath.Join(dir, "bin", "terraform-provider-batchai")
	build := exec.Command("go", "build", "-o", binary, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	plugins := filepath.Join(dir, "plugins")
	if err := os.MkdirAll(plugins, 0o700); err != nil {
		t.Fatal(err)
	}
	wrapper := fmt.Sprintf("#!/bin/sh\nexec %q \"$@\" 2>>\"$BATCHAI_TEST_PROVIDER_STDERR\"\n", binary)
	if err := os.WriteFile(filepath.Join(plugins, "terraform-provider-batchai"), []byte(wrapper), 0o700); err != nil {
		t.Fatal(err)
	}
	cliConfig := filepath.Join(dir, "terraform.tfrc")
	writeFile(t, cliConfig, fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n",
		"registry.terraform.io/batchai-tf/batchai", plugins))
	root := filepath.Join(dir, "root")
	if err := os.MkdirAll(root, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, "main.tf"), validateConfig)

	// validate runs the provider twice or more (schema, then validation): every process appends to one file.
	validate := func(t *testing.T, vars map[string]string) map[string]int {
		t.Helper()
		stderr := filepath.Join(t.TempDir(), "provider-stderr.log")
		cmd := exec.Command(tf, "validate", "-no-color")
		cmd.Dir = root
		cmd.Env = append(environWithoutLogVariables(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1",
			"BATCHAI_TEST_PROVIDER_STDERR="+stderr)
		for k, v := range vars {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("terraform validate (%v): %v\n%s", vars, err, out)
		}
		return logLinesByModule(t, stderr)
	}

	t.Run("no variable", func(t *testing.T) {
		for _, vars := range []map[string]string{
			{},
			{"TF_LOG_PATH": filepath.Join(t.TempDir(), "tf.log")}, // A file, but no level.
			{"TF_LOG_CORE": "TRACE"},                              // Terraform's own logs only.
			{"TF_LOG": "off"},
		} {
			if got := validate(t, vars); len(got) != 0 {
				t.Errorf("with %v the provider wrote log lines nobody reads: %v", vars, got)
			}
		}
	})

	var counts map[string]map[string]int
	t.Run("asked", func(t *testing.T) {
		counts = map[string]map[string]int{}
		for _, vars := range []map[string]string{
			{"TF_LOG": "TRACE"},
			{"TF_LOG": "JSON"},
			{"TF_LOG_PROVIDER": "TRACE"},
			{"TF_LOG_PROVIDER_BATCHAI": "TRACE"},
			{"TF_LOG_SDK": "TRACE"},
			{"TF_LOG_SDK_FRAMEWORK": "TRACE"},
			{"TF_ACC_LOG_PATH": filepath.Join(t.TempDir(), "acc.log")},
		} {
			got := validate(t, vars)
			counts[fmt.Sprint(vars)] = got
			// The negative control: lines of the per-call loggers the switch turns off are seen when asked for.
			for _, module := range []string{"sdk.framework", "sdk.proto"} {
				if got[module] == 0 {
					t.Errorf("with %v the provider wrote no %s lines; it wrote %v", vars, module, got)
				}
			}
		}
	})
	t.Logf("log lines by module: %v", counts)
	// Whichever variable asks, the framework logs every line it logs by default: the same number.
	var framework []int
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		framework = append(framework, counts[k]["sdk.framework"])
	}
	if len(slices.Compact(slices.Clone(framework))) > 1 {
		t.Errorf("the number of framework lines depends on which variable asked: %v", counts)
	}
}

// validateConfig has one cluster, so validate runs the cluster's validators and the framework logs them.
const validateConfig = `terraform {
  required_providers {
    batchai = {
      source = "batchai-tf/batchai"
    }
  }
}

resource "batchai_cluster" "c" {
  name         = "c1"
  workspace_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.BatchAI/workspaces/ws"
  vm_size      = "STANDARD_D1_V2"

  scale_settings {
    manual {
      target_node_count = 1
    }
  }

  user_account {
    admin_user_name = "azureuser"
  }
}
`

// environWithoutLogVariables is the test's environment without any variable that sets a log level or file.
func environWithoutLogVariables() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "TF_LOG") || strings.HasPrefix(k, "TF_ACC_LOG") || k == "TF_CLI_CONFIG_FILE" {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// logLinesByModule counts the JSON log lines (hclog's format: "@module") in path, by module.
func logLinesByModule(t *testing.T, path string) map[string]int {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return map[string]int{}
	}
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	counts := map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		var line struct {
			Module string `json:"@module"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Module != "" {
			counts[line.Module]++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return counts
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
