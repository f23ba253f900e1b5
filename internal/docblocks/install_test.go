package docblocks

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// installConfig is the configuration README.md tells a reader to write: the provider by its source address
// and version, and a local module (examples/modules/batchai-cluster, copied next to it).
func installConfig(t *testing.T, b *bench) string {
	t.Helper()
	dir := t.TempDir()
	copyTree(t, filepath.Join(b.root, "examples", "modules"), filepath.Join(dir, "modules"))
	major, minor, _ := strings.Cut(b.version, ".")
	minor, _, _ = strings.Cut(minor, ".")
	writeFile(t, filepath.Join(dir, "main.tf"), fmt.Sprintf(`terraform {
  required_providers {
    batchai = {
      source  = "batchai-tf/batchai"
      version = "~> %s.%s"
    }
  }
}

provider "batchai" {}

module "training" {
  source               = "./modules/batchai-cluster"
  resource_group_name  = "myresourcegroup"
  workspace_name       = "vision"
  admin_ssh_public_key = file("~/.ssh/id_rsa.pub")
}
`, major, minor))
	return dir
}

// TestInstall: after `make install`, `init` finds the provider with no CLI configuration at all (the
// implicit local mirror, under the host name of either CLI), installs the configuration's local module, and
// the configuration validates. The control: with the same configuration and nothing installed, init fails,
// so it is the install that made it work, not a mirror or cache of the machine.
func TestInstall(t *testing.T) {
	b := installed(t)
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		dir := filepath.Join(b.home, ".terraform.d", "plugins", host, "batchai-tf", "batchai", b.version)
		entries, err := os.ReadDir(dir)
		if err != nil || len(entries) != 1 {
			t.Fatalf("%s: want one platform folder: %v %v", dir, entries, err)
		}
		bin := filepath.Join(dir, entries[0].Name(), "terraform-provider-batchai_v"+b.version)
		if fi, err := os.Stat(bin); err != nil || fi.Mode()&0o111 == 0 {
			t.Errorf("%s is not an installed executable: %v", bin, err)
		}
	}

	dir := installConfig(t, b)
	out := b.mustRun(t, dir, b.env(), "init", "-input=false", "-no-color")
	for _, want := range []string{"- training in modules/batchai-cluster", "Installing batchai-tf/batchai v" + b.version,
		"Installed batchai-tf/batchai v" + b.version} {
		if !strings.Contains(out, want) {
			t.Errorf("init output lacks %q:\n%s", want, out)
		}
	}
	lock, err := os.ReadFile(filepath.Join(dir, ".terraform.lock.hcl"))
	if err != nil || !strings.Contains(string(lock), "/batchai-tf/batchai\" {") ||
		!strings.Contains(string(lock), `version     = "`+b.version+`"`) {
		t.Errorf("the lock file does not record batchai-tf/batchai %s: %v\n%s", b.version, err, lock)
	}
	if out := b.mustRun(t, dir, b.env(), "validate", "-no-color"); !strings.Contains(out, "Success") {
		t.Errorf("validate: %s", out)
	}

	// The documentation names the folder and the version constraint of what make install installs.
	constraint := fmt.Sprintf(`version = "~> %s"`, b.version[:strings.LastIndex(b.version, ".")])
	for _, doc := range []string{"README.md", filepath.Join("docs", "index.md")} {
		text, err := os.ReadFile(filepath.Join(b.root, doc))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"~/.terraform.d/plugins/registry.terraform.io/batchai-tf/batchai/" + b.version + "/",
			constraint, "make install"} {
			if !strings.Contains(string(text), want) {
				t.Errorf("%s does not say %q: it must match what make install installs", doc, want)
			}
		}
	}

	bare := t.TempDir()
	for _, d := range []string{".ssh"} {
		if err := os.MkdirAll(filepath.Join(bare, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	control := &bench{root: b.root, home: bare, bin: b.bin, cli: b.cli, version: b.version}
	out, code := control.run(t, installConfig(t, control), control.env(), "init", "-input=false", "-no-color")
	if code == 0 || !strings.Contains(out, "batchai-tf/batchai") {
		t.Errorf("init without make install exited %d: the test cannot tell that the install is what works:\n%s", code, out)
	}
}

func writeFile(t *testing.T, name, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// copyTree copies the regular files under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		writeFile(t, filepath.Join(dst, rel), string(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
