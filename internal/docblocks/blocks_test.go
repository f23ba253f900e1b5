package docblocks

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestDocBlocks runs every code block of docs/ as a reader would (the markers are in docblocks.go and
// CONTRIBUTING.md): a partial block must parse as HCL; every configuration of a page must be formatted,
// `init` (through the installed provider), and validate; a complete one is applied against an emulator with
// the resource groups and fixtures the page assumes, must then plan no change, runs its shell snippets, and is
// destroyed. docs/ is what templates/ and examples/ generate (docs-check), so this checks them too.
func TestDocBlocks(t *testing.T) {
	b := installed(t)
	pages, err := filepath.Glob(filepath.Join(b.root, "docs", "*", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	index, err := filepath.Glob(filepath.Join(b.root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	pages = append(index, pages...)
	applied := 0
	for _, page := range pages {
		rel, _ := filepath.Rel(b.root, page)
		data, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		blocks, err := Parse(rel, data)
		if err != nil {
			t.Error(err)
			continue
		}
		for _, blk := range blocks {
			switch {
			case blk.CLIConfig:
				t.Run(blk.Where(), func(t *testing.T) {
					t.Parallel()
					checkCLIConfig(t, b, blk)
				})
			case blk.Partial && blk.IsHCL():
				t.Run(blk.Where(), func(t *testing.T) {
					t.Parallel()
					checkSyntax(t, b, blk)
				})
			}
		}
		for _, cfg := range Configs(blocks) {
			if !cfg.ValidateOnly {
				applied++
			}
			t.Run(rel+"#"+cfg.Name, func(t *testing.T) {
				t.Parallel()
				runConfig(t, b, cfg)
			})
		}
	}
	if len(pages) < 10 || applied < 10 {
		t.Errorf("found %d pages and %d configurations to apply: is docs/ there?", len(pages), applied)
	}
}

// checkSyntax parses a partial block: `fmt` fails on anything that is not HCL.
func checkSyntax(t *testing.T, b *bench, blk Block) {
	dir := t.TempDir()
	name := filepath.Join(dir, "excerpt.tf")
	writeFile(t, name, blk.Text)
	if out, code := b.run(t, dir, b.env(), "fmt", "-no-color", "-list=false", name); code != 0 {
		t.Errorf("%s: the partial block is not valid HCL:\n%s\n%s", blk.Where(), blk.Text, out)
	}
}

// checkCLIConfig loads a CLI configuration into the CLI, which reports what it cannot read.
func checkCLIConfig(t *testing.T, b *bench, blk Block) {
	dir := t.TempDir()
	name := filepath.Join(dir, "cli.tfrc")
	writeFile(t, name, blk.Text)
	out, code := b.run(t, dir, b.env("TF_CLI_CONFIG_FILE="+name), "version")
	if code != 0 || strings.Contains(out, "problems with the CLI configuration") {
		t.Errorf("%s: the CLI configuration does not load:\n%s\n%s", blk.Where(), blk.Text, out)
	}
}

var (
	requiredProvidersPattern = regexp.MustCompile(`(?m)^\s*required_providers\s*\{`)
	localModulePattern       = regexp.MustCompile(`(?m)^\s*source\s*=\s*"\./modules/`)
)

// runConfig writes a configuration's blocks into a folder of their own and runs it.
func runConfig(t *testing.T, b *bench, cfg Config) {
	if len(cfg.Blocks) == 0 {
		t.Fatalf("%s: configuration %q has shell snippets but no HCL block to run them against", cfg.Page, cfg.Name)
	}
	dir := t.TempDir()
	where := map[string]string{}
	var all strings.Builder
	query := false
	for _, blk := range cfg.Blocks {
		if missing := b.missingFeatures(t, blk.Requires); len(missing) > 0 {
			t.Logf("%s: left out: it needs %s, which %s lacks", blk.Where(), strings.Join(missing, " and "), b.cliName(t))
			continue
		}
		name := blk.File
		if name == "" {
			name = fmt.Sprintf("line%04d.tf", blk.Line)
		}
		query = query || strings.HasSuffix(name, ".tfquery.hcl")
		writeFile(t, filepath.Join(dir, name), blk.Text)
		where[name] = blk.Where()
		all.WriteString(blk.Text)
	}
	if len(where) == 0 {
		t.Skipf("%s: every block of configuration %q needs a feature %s lacks; the CLI matrix of `make test` "+
			"runs it under the newest Terraform", cfg.Page, cfg.Name, b.cliName(t))
	}
	// Pages other than the provider's own assume the provider is declared, as docs/index.md shows once.
	if !requiredProvidersPattern.MatchString(all.String()) {
		writeFile(t, filepath.Join(dir, "zz_required_providers.tf"), `terraform {
  required_providers {
    batchai = {
      source = "batchai-tf/batchai"
    }
  }
}
`)
	}
	// The guides call the example module as the repository's examples/ folder holds it.
	if localModulePattern.MatchString(all.String()) {
		copyTree(t, filepath.Join(b.root, "examples", "modules"), filepath.Join(dir, "modules"))
	}
	for name, at := range where {
		if out, code := b.run(t, dir, b.env(), "fmt", "-check", "-diff", "-no-color", name); code != 0 {
			t.Errorf("%s: the block is not formatted as `terraform fmt` would:\n%s", at, out)
		}
	}
	b.mustRun(t, dir, b.env(), "init", "-input=false", "-no-color")
	if query {
		b.mustRun(t, dir, b.env(), "validate", "-query", "-no-color")
	} else {
		b.mustRun(t, dir, b.env(), "validate", "-no-color")
	}
	if cfg.ValidateOnly {
		return
	}

	inst, c, env := docEmulator(t)
	for _, need := range cfg.Needs {
		fixture, ok := fixtures[need]
		if !ok {
			t.Fatalf("%s: unknown fixture %q (known: %v)", cfg.Page, need, slices.Sorted(maps.Keys(fixtures)))
		}
		fixture(t, c, inst.SubscriptionID)
	}
	for name, value := range cfg.Vars {
		if file, ok := strings.CutPrefix(value, "@"); ok {
			data, err := os.ReadFile(strings.Replace(file, "~", b.home, 1))
			if err != nil {
				t.Fatalf("%s: var %s: %v", cfg.Page, name, err)
			}
			value = string(data)
		}
		env = append(env, "TF_VAR_"+name+"="+value)
	}
	env = b.env(env...)
	destroyed := false
	t.Cleanup(func() {
		if !destroyed {
			// Leave nothing to the emulator's cleanup that a failed destroy would hide.
			if out, code := b.run(t, dir, env, "destroy", "-auto-approve", "-input=false", "-no-color"); code != 0 {
				t.Logf("destroy after a failure exited %d:\n%s", code, out)
			}
		}
	})
	b.mustRun(t, dir, env, "apply", "-auto-approve", "-input=false", "-no-color")
	if out, code := b.run(t, dir, env, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Errorf("%s: right after apply, plan -detailed-exitcode exited %d (0: no changes):\n%s", cfg.Page, code, out)
	}
	if query {
		b.mustRun(t, dir, env, "query", "-no-color")
	}
	for _, script := range cfg.Scripts {
		name := fmt.Sprintf("line%04d.sh", script.Line)
		writeFile(t, filepath.Join(dir, name), script.Text)
		out, code := runCommand(t, dir, env, "bash", name)
		if code != script.ExpectExit {
			t.Errorf("%s: the snippet exited %d, want %d:\n%s", script.Where(), code, script.ExpectExit, out)
		}
	}
	b.mustRun(t, dir, env, "destroy", "-auto-approve", "-input=false", "-no-color")
	destroyed = true
}
