package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// The acceptance tests run under several CLIs (`make test` runs them under each of TF_CLIS, see
// scripts/terraform-cli.sh --cli). A test that needs a feature only some of them have says so, with
// testAccCLISupports in its TestCase's TerraformVersionChecks, or with testAccSkipUnlessCLISupports before it starts
// an emulator, and is skipped elsewhere with a message that names the CLI, its version and how to run it.
//
//	resource.Test(t, resource.TestCase{
//		TerraformVersionChecks: []tfversion.TerraformVersionCheck{testAccCLISupports(cliFeatureQuery)},
//		...
//	})

// cliFeature is a Terraform language or command feature that not every CLI of the matrix has.
type cliFeature struct {
	name string
	// minTerraform and minOpenTofu are the first releases that have it; a zero minOpenTofu means that no
	// OpenTofu release has it yet (OpenTofu numbers its own releases, so a Terraform version says nothing
	// about it).
	minTerraform cliVersion
	minOpenTofu  cliVersion
}

// The features the matrix tells apart, from the Terraform and OpenTofu changelogs. OpenTofu 1.12.6, the one the
// matrix runs, has neither `tofu query` nor `action` blocks.
var (
	cliFeatureIdentity = cliFeature{
		name:         "resource identity (import by identity)",
		minTerraform: cliVersion{1, 12, 0}, minOpenTofu: cliVersion{1, 12, 0},
	}
	cliFeatureQuery = cliFeature{
		name:         "list resources (terraform query)",
		minTerraform: cliVersion{1, 14, 0},
	}
	cliFeatureActions = cliFeature{
		name:         "actions",
		minTerraform: cliVersion{1, 14, 0},
	}
)

// cliVersion is the core MAJOR.MINOR.PATCH of a CLI release (pre-release suffixes are ignored, as
// terraform-plugin-testing's own version checks do).
type cliVersion [3]int

func (v cliVersion) String() string { return fmt.Sprintf("%d.%d.%d", v[0], v[1], v[2]) }

func (v cliVersion) less(w cliVersion) bool {
	for i := range v {
		if v[i] != w[i] {
			return v[i] < w[i]
		}
	}
	return false
}

const (
	productTerraform = "Terraform"
	productOpenTofu  = "OpenTofu"
)

// testCLI is the CLI a test run drives.
type testCLI struct {
	product string // productTerraform or productOpenTofu.
	version cliVersion
	path    string
}

func (c testCLI) String() string {
	return fmt.Sprintf("%s v%s (%s)", c.product, c.version, c.path)
}

// skipReason says why a test that needs f cannot run under cli, or returns "" when it can.
func (f cliFeature) skipReason(cli testCLI) string {
	const howTo = "; run it under the newest Terraform with " +
		"`eval \"$(scripts/terraform-cli.sh --cli terraform-latest --print-env)\"`"
	minimum := f.minTerraform
	if cli.product == productOpenTofu {
		minimum = f.minOpenTofu
	}
	switch {
	case minimum == cliVersion{}:
		return fmt.Sprintf("skipping: %s needs Terraform >= %s and no OpenTofu release has it; this run uses %s%s",
			f.name, f.minTerraform, cli, howTo)
	case cli.version.less(minimum):
		return fmt.Sprintf("skipping: %s needs %s >= %s; this run uses %s%s", f.name, cli.product, minimum, cli, howTo)
	}
	return ""
}

// cliVersionLine matches the first line of `terraform version` and `tofu version` ("Terraform v1.15.0",
// "OpenTofu v1.12.6", "Terraform v1.15.0-dev"), wherever it is in the output: a warning about the CLI
// configuration can come first.
var cliVersionLine = regexp.MustCompile(`(?m)^(Terraform|OpenTofu) v(\d+)\.(\d+)\.(\d+)\S*\s*$`)

// parseCLIVersion reads the product and version from the output of `<cli> version`.
func parseCLIVersion(out string) (product string, v cliVersion, err error) {
	m := cliVersionLine.FindStringSubmatch(out)
	if m == nil {
		return "", v, fmt.Errorf("no \"Terraform vX.Y.Z\" or \"OpenTofu vX.Y.Z\" line in %q", out)
	}
	for i := range v {
		if v[i], err = strconv.Atoi(m[2+i]); err != nil {
			return "", v, fmt.Errorf("version number in %q: %w", m[0], err)
		}
	}
	return m[1], v, nil
}

var testCLIs = struct {
	sync.Mutex
	byPath map[string]testCLI
}{byPath: map[string]testCLI{}}

// identifyTestCLI runs `$TF_ACC_TERRAFORM_PATH version` once per path and test binary, to tell Terraform from
// OpenTofu: both report their version as "terraform_version" to terraform-plugin-testing.
func identifyTestCLI() (testCLI, error) {
	path := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if path == "" {
		return testCLI{}, fmt.Errorf("TF_ACC_TERRAFORM_PATH is not set: run the tests with `make test`, or " +
			"`eval \"$(scripts/terraform-cli.sh --print-env)\"` first")
	}
	testCLIs.Lock()
	defer testCLIs.Unlock()
	if cli, ok := testCLIs.byPath[path]; ok {
		return cli, nil
	}
	cmd := exec.Command(path, "version")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		return testCLI{}, fmt.Errorf("running %s version: %w", path, err)
	}
	product, v, err := parseCLIVersion(string(out))
	if err != nil {
		return testCLI{}, fmt.Errorf("identifying the CLI at TF_ACC_TERRAFORM_PATH=%s: %w", path, err)
	}
	cli := testCLI{product: product, version: v, path: path}
	testCLIs.byPath[path] = cli
	return cli, nil
}

// testAccCLISupports is a TerraformVersionCheck that skips the test unless the CLI has feature f.
func testAccCLISupports(f cliFeature) tfversion.TerraformVersionCheck {
	return cliFeatureCheck{feature: f, identify: identifyTestCLI}
}

// testAccSkipUnlessCLISupports skips t unless the CLI has feature f: for tests that drive the CLI themselves, and
// to skip before an emulator starts.
func testAccSkipUnlessCLISupports(t *testing.T, f cliFeature) {
	t.Helper()
	cli, err := identifyTestCLI()
	if err != nil {
		t.Fatal(err)
	}
	if reason := f.skipReason(cli); reason != "" {
		t.Skip(reason)
	}
}

type cliFeatureCheck struct {
	feature  cliFeature
	identify func() (testCLI, error)
}

// CheckTerraformVersion takes the product and path from the binary and the version from terraform-plugin-testing,
// which read it from the same binary.
func (c cliFeatureCheck) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	cli, err := c.identify()
	if err != nil {
		resp.Error = err
		return
	}
	if req.TerraformVersion != nil {
		s := req.TerraformVersion.Core().Segments()
		if len(s) == 3 {
			cli.version = cliVersion{s[0], s[1], s[2]}
		}
	}
	resp.Skip = c.feature.skipReason(cli)
}

// Tests of the helper itself.

func TestCLIFeature_skipReason(t *testing.T) {
	terraform111 := testCLI{product: productTerraform, version: cliVersion{1, 11, 4}, path: "/usr/local/bin/terraform"}
	terraform114 := testCLI{product: productTerraform, version: cliVersion{1, 14, 0}, path: "/cache/terraform"}
	terraform115 := testCLI{product: productTerraform, version: cliVersion{1, 15, 0}, path: "/cache/terraform"}
	tofu112 := testCLI{product: productOpenTofu, version: cliVersion{1, 12, 6}, path: "/cache/tofu"}
	tofu115 := testCLI{product: productOpenTofu, version: cliVersion{1, 15, 0}, path: "/cache/tofu"}
	tests := []struct {
		feature cliFeature
		cli     testCLI
		// want is empty when the test runs, else parts the skip message must contain in order.
		want []string
	}{
		{cliFeatureQuery, terraform115, nil},
		{cliFeatureQuery, terraform114, nil},
		{cliFeatureQuery, terraform111, []string{"list resources (terraform query) needs Terraform >= 1.14.0", "this run uses Terraform v1.11.4 (/usr/local/bin/terraform)", "--cli terraform-latest"}},
		{cliFeatureQuery, tofu112, []string{"needs Terraform >= 1.14.0 and no OpenTofu release has it", "this run uses OpenTofu v1.12.6 (/cache/tofu)"}},
		// OpenTofu's numbers are its own: a 1.15 OpenTofu still has no `tofu query`.
		{cliFeatureQuery, tofu115, []string{"no OpenTofu release has it", "OpenTofu v1.15.0"}},
		{cliFeatureActions, terraform115, nil},
		{cliFeatureActions, terraform111, []string{"actions needs Terraform >= 1.14.0", "Terraform v1.11.4"}},
		{cliFeatureActions, tofu112, []string{"actions needs Terraform >= 1.14.0 and no OpenTofu release has it", "OpenTofu v1.12.6"}},
		{cliFeatureIdentity, terraform115, nil},
		{cliFeatureIdentity, tofu112, nil},
		{cliFeatureIdentity, terraform111, []string{"resource identity (import by identity) needs Terraform >= 1.12.0", "Terraform v1.11.4"}},
	}
	for _, tt := range tests {
		t.Run(tt.feature.name+" under "+tt.cli.String(), func(t *testing.T) {
			got := tt.feature.skipReason(tt.cli)
			if tt.want == nil {
				if got != "" {
					t.Fatalf("skipReason = %q, want the test to run", got)
				}
				return
			}
			if !expectError(tt.want...).MatchString(got) {
				t.Fatalf("skipReason = %q, want it to contain, in order, %q", got, tt.want)
			}
		})
	}
}

func TestParseCLIVersion(t *testing.T) {
	tests := []struct {
		out         string
		wantProduct string
		wantVersion cliVersion
	}{
		{"Terraform v1.11.4\non linux_amd64\n", productTerraform, cliVersion{1, 11, 4}},
		{"OpenTofu v1.12.6\non linux_amd64\n", productOpenTofu, cliVersion{1, 12, 6}},
		{"Terraform v1.15.0-dev\non linux_amd64\n", productTerraform, cliVersion{1, 15, 0}},
		// A missing TF_CLI_CONFIG_FILE makes the CLI print a warning before the version.
		{"There are some problems with the CLI configuration:\n\nWarning: Unable to open CLI configuration file\n\nTerraform v1.11.4\non linux_amd64\n", productTerraform, cliVersion{1, 11, 4}},
	}
	for _, tt := range tests {
		product, v, err := parseCLIVersion(tt.out)
		if err != nil || product != tt.wantProduct || v != tt.wantVersion {
			t.Errorf("parseCLIVersion(%q) = %q, %v, %v; want %q, %v", tt.out, product, v, err, tt.wantProduct, tt.wantVersion)
		}
	}
	for _, bad := range []string{"", "terraform version 1.11.4", "Terraform 1.11.4", "Packer v1.11.4"} {
		if product, v, err := parseCLIVersion(bad); err == nil {
			t.Errorf("parseCLIVersion(%q) = %q, %v; want an error", bad, product, v)
		}
	}
}

func TestCLIFeatureCheck(t *testing.T) {
	tofu := func() (testCLI, error) {
		return testCLI{product: productOpenTofu, version: cliVersion{1, 12, 6}, path: "/cache/tofu"}, nil
	}
	terraform := func() (testCLI, error) {
		return testCLI{product: productTerraform, version: cliVersion{1, 15, 0}, path: "/cache/terraform"}, nil
	}
	check := func(identify func() (testCLI, error), v tfversion.CheckTerraformVersionRequest) tfversion.CheckTerraformVersionResponse {
		var resp tfversion.CheckTerraformVersionResponse
		cliFeatureCheck{feature: cliFeatureQuery, identify: identify}.CheckTerraformVersion(context.Background(), v, &resp)
		return resp
	}

	if resp := check(terraform, tfversion.CheckTerraformVersionRequest{TerraformVersion: tfversion.Version1_15_0}); resp.Skip != "" || resp.Error != nil {
		t.Errorf("Terraform 1.15.0: skip %q, error %v; want the test to run", resp.Skip, resp.Error)
	}
	// The version is terraform-plugin-testing's reading of the binary.
	resp := check(terraform, tfversion.CheckTerraformVersionRequest{TerraformVersion: tfversion.Version1_11_0})
	if !expectError("needs Terraform >= 1.14.0", "Terraform v1.11.0 (/cache/terraform)").MatchString(resp.Skip) {
		t.Errorf("Terraform 1.11.0: skip %q, want it to name Terraform v1.11.0", resp.Skip)
	}
	resp = check(tofu, tfversion.CheckTerraformVersionRequest{TerraformVersion: tfversion.Version1_12_0})
	if !expectError("no OpenTofu release has it", "OpenTofu v1.12.0 (/cache/tofu)").MatchString(resp.Skip) {
		t.Errorf("OpenTofu: skip %q, want it to name OpenTofu v1.12.0", resp.Skip)
	}
	failing := func() (testCLI, error) { return testCLI{}, fmt.Errorf("TF_ACC_TERRAFORM_PATH is not set") }
	if resp := check(failing, tfversion.CheckTerraformVersionRequest{TerraformVersion: tfversion.Version1_15_0}); resp.Error == nil || resp.Skip != "" {
		t.Errorf("unidentifiable CLI: skip %q, error %v; want the error (a test must not pass by skipping)", resp.Skip, resp.Error)
	}
}

// TestAccCLI_identified checks the matrix wiring under whichever CLI runs: the helper identifies it, agrees with
// the version terraform-plugin-testing reads (`version -json`), and OpenTofu runs come with the provider address
// that plugin-testing needs for it (scripts/terraform-cli.sh sets it, and unsets it for Terraform).
func TestAccCLI_identified(t *testing.T) {
	testAccPreCheck(t)
	cli, err := identifyTestCLI()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(cli.path, "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version -json: %v", cli.path, err)
	}
	var reported struct {
		TerraformVersion string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &reported); err != nil {
		t.Fatalf("%s version -json: %v in %q", cli.path, err, out)
	}
	if _, v, err := parseCLIVersion(cli.product + " v" + reported.TerraformVersion); err != nil || v != cli.version {
		t.Errorf("%s reports terraform_version %q to terraform-plugin-testing, the helper read %s", cli.path, reported.TerraformVersion, cli.version)
	}
	host := os.Getenv("TF_ACC_PROVIDER_HOST")
	if (cli.product == productOpenTofu) != (host == "registry.opentofu.org") {
		t.Errorf("CLI %s with TF_ACC_PROVIDER_HOST=%q: OpenTofu needs registry.opentofu.org, Terraform the default", cli, host)
	}
	t.Logf("acceptance tests run under %s", cli)
}

// TestAccCLIFeatureCheck_skipsTestCase runs a TestCase whose only step cannot succeed, behind a check for a feature
// that no CLI has: terraform-plugin-testing must skip it before the step, under every CLI of the matrix. Then the
// same for testAccSkipUnlessCLISupports.
func TestAccCLIFeatureCheck_skipsTestCase(t *testing.T) {
	testAccPreCheck(t)
	nowhere := cliFeature{name: "a feature of no release", minTerraform: cliVersion{99, 0, 0}}
	var inner *testing.T
	stepRan := false
	t.Run("gated", func(t *testing.T) {
		inner = t
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{testAccCLISupports(nowhere)},
			Steps: []resource.TestStep{{
				Config: `resource "batchai_workspace" "never" {}`,
				Check: func(*terraform.State) error {
					stepRan = true
					return nil
				},
			}},
		})
	})
	if !inner.Skipped() || stepRan {
		t.Fatalf("gated TestCase: skipped %v, step ran %v; want it skipped before its step", inner.Skipped(), stepRan)
	}

	// The same gate for tests that drive the CLI themselves.
	afterGate := false
	t.Run("gated by hand", func(t *testing.T) {
		inner = t
		testAccSkipUnlessCLISupports(t, nowhere)
		afterGate = true
	})
	if !inner.Skipped() || afterGate {
		t.Fatalf("testAccSkipUnlessCLISupports: skipped %v, went on %v; want it skipped", inner.Skipped(), afterGate)
	}
}
