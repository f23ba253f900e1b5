package main

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// buildBinary compiles the command into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "batchai-emulator")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("building: %v: %s", err, out)
	}
	return bin
}

// process is a running emulator binary.
type process struct {
	cmd     *exec.Cmd
	stderr  *syncBuffer
	exports map[string]string
	stdout  string
	info    map[string]string
	client  *http.Client
	token   string
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// start runs the binary on dir and waits until it has printed its exports, then gets a token the way a
// client would (azidentity against the emulator's authority, trusting its CA file).
func start(t *testing.T, bin, dir string, extra ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--listen", "127.0.0.1:0", "--data", dir, "--provisioning-delay", "50ms",
		"--operation-delay", "50ms"}, extra...)...)
	p := &process{cmd: cmd, stderr: &syncBuffer{}, exports: map[string]string{}}
	cmd.Stderr = p.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	timeout := time.After(20 * time.Second)
	for len(p.exports) < 8 {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("emulator exited early; stderr: %s", p.stderr)
			}
			p.stdout += line + "\n"
			k, v, found := strings.Cut(strings.TrimPrefix(line, "export "), "=")
			if !strings.HasPrefix(line, "export ") || !found {
				t.Fatalf("unexpected stdout line %q", line)
			}
			p.exports[k] = strings.Trim(v, "'")
		case <-timeout:
			t.Fatalf("no exports after 20s; stderr: %s", p.stderr)
		}
	}
	go func() {
		for range lines { // keep draining
		}
	}()
	raw, err := os.ReadFile(filepath.Join(dir, InfoFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &p.info); err != nil {
		t.Fatalf("emulator.json: %v: %s", err, raw)
	}
	pem, err := os.ReadFile(p.info["ca_certificate"])
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	p.client = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 10 * time.Second}
	cred, err := azidentity.NewClientSecretCredential(p.info["tenant_id"], p.info["client_id"], p.info["client_secret"],
		&azidentity.ClientSecretCredentialOptions{DisableInstanceDiscovery: true, ClientOptions: azcore.ClientOptions{
			Cloud: cloud.Configuration{ActiveDirectoryAuthorityHost: p.info["authority_host"]}, Transport: p.client}})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := cred.GetToken(t.Context(), policy.TokenRequestOptions{Scopes: []string{p.info["audience"] + ".default"}})
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	p.token = tok.Token
	return p
}

func (p *process) do(t *testing.T, method, path, body string) int {
	t.Helper()
	status, _ := p.doHeader(t, method, path, body)
	return status
}

// doHeader is do that also returns the answer's headers.
func (p *process) doHeader(t *testing.T, method, path, body string) (int, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(method, p.info["endpoint"]+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+p.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := p.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header
}

func (p *process) wsPath(name string) string {
	return "/subscriptions/" + p.info["subscription_id"] + "/resourceGroups/" + p.info["resource_group"] +
		"/providers/Microsoft.BatchAI/workspaces/" + name + "?api-version=2018-05-01"
}

func (p *process) stop(t *testing.T, sig syscall.Signal) error {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(15 * time.Second):
		t.Fatalf("no exit 15s after %v", sig)
		return nil
	}
}

func TestCommandContract(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, dir := buildBinary(t), t.TempDir()
	p := start(t, bin, dir)

	for _, k := range []string{"endpoint", "metadata_host", "authority_host", "adfs_authority", "audience",
		"ca_certificate", "tenant_id", "subscription_id", "other_subscription_id", "client_id", "client_secret",
		"object_id", "reader_client_id", "reader_client_secret", "reader_object_id", "resource_group"} {
		if p.info[k] == "" {
			t.Errorf("emulator.json lacks %s", k)
		}
	}
	if p.info["adfs_authority"] != p.info["endpoint"]+"/adfs" || p.exports["BATCHAI_EMULATOR_ADFS_AUTHORITY"] != p.info["adfs_authority"] {
		t.Errorf("adfs_authority %q, export %q", p.info["adfs_authority"], p.exports["BATCHAI_EMULATOR_ADFS_AUTHORITY"])
	}
	if !filepath.IsAbs(p.info["ca_certificate"]) || p.exports["ARM_CA_CERTIFICATE_FILE"] != p.info["ca_certificate"] ||
		p.exports["ARM_METADATA_HOSTNAME"] != p.info["metadata_host"] || "https://"+p.info["metadata_host"] != p.info["endpoint"] ||
		p.exports["ARM_SUBSCRIPTION_ID"] != p.info["subscription_id"] || p.exports["ARM_TENANT_ID"] != p.info["tenant_id"] ||
		p.exports["ARM_CLIENT_ID"] != p.info["client_id"] || p.exports["ARM_CLIENT_SECRET"] != p.info["client_secret"] ||
		p.exports["BATCHAI_EMULATOR_RESOURCE_GROUP"] != p.info["resource_group"] {
		t.Errorf("exports %v do not match emulator.json %v", p.exports, p.info)
	}
	// The exports are valid shell.
	sh := exec.Command("/bin/sh", "-c", `eval "$EXPORTS"; printf %s "$ARM_CLIENT_SECRET"`)
	sh.Env = append(os.Environ(), "EXPORTS="+p.stdout)
	if out, err := sh.Output(); err != nil || string(out) != p.info["client_secret"] {
		t.Errorf("eval of exports: %q %v", out, err)
	}
	if st, err := os.Stat(filepath.Join(dir, InfoFile)); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("emulator.json mode: %v %v", st, err)
	}

	if s := p.do(t, "PUT", p.wsPath("kept"), `{"location":"eastus"}`); s != 200 {
		t.Fatalf("PUT workspace: %d", s)
	}
	if err := p.stop(t, syscall.SIGTERM); err != nil {
		t.Fatalf("exit after SIGTERM: %v; stderr: %s", err, p.stderr)
	}
	logs := p.stderr.String()
	if !strings.Contains(logs, "method=PUT") || !strings.Contains(logs, "status=200") || !strings.Contains(logs, "request_id=") {
		t.Errorf("request log: %s", logs)
	}
	if strings.Contains(logs, p.info["client_secret"]) || strings.Contains(logs, p.info["reader_client_secret"]) ||
		strings.Contains(logs, p.token[:30]) {
		t.Errorf("logs leak a credential: %s", logs)
	}
	if _, err := os.Stat(filepath.Join(dir, InfoFile)); !os.IsNotExist(err) {
		t.Errorf("emulator.json left after a clean exit: %v", err)
	}

	// Restart: same credentials, same state.
	p2 := start(t, bin, dir)
	if p2.info["client_secret"] != p.info["client_secret"] || p2.info["subscription_id"] != p.info["subscription_id"] ||
		p2.info["reader_client_secret"] != p.info["reader_client_secret"] ||
		p2.info["other_subscription_id"] != p.info["other_subscription_id"] {
		t.Errorf("credentials changed across restart")
	}
	if s := p2.do(t, "GET", p2.wsPath("kept"), ""); s != 200 {
		t.Fatalf("workspace after restart: %d", s)
	}

	// kill -9 right after an acknowledged write: the write survives.
	if s := p2.do(t, "PUT", p2.wsPath("acked"), `{"location":"eastus"}`); s != 200 {
		t.Fatalf("PUT: %d", s)
	}
	_ = p2.stop(t, syscall.SIGKILL)
	p3 := start(t, bin, dir)
	if s := p3.do(t, "GET", p3.wsPath("acked"), ""); s != 200 {
		t.Fatalf("acknowledged write lost after kill -9: %d", s)
	}
	if err := p3.stop(t, syscall.SIGINT); err != nil {
		t.Errorf("exit after SIGINT: %v", err)
	}
}

func TestFlagErrors(t *testing.T) {
	if got := run([]string{"--bogus"}, io.Discard, io.Discard); got == nil {
		t.Error("unknown flag accepted")
	}
	if got := run([]string{"extra"}, io.Discard, io.Discard); got == nil {
		t.Error("positional argument accepted")
	}
}

func TestBaseURLOfWildcardListen(t *testing.T) {
	for _, tc := range []struct{ listen, host, want string }{
		{"127.0.0.1:8443", "", "https://127.0.0.1:8443"},
		{"0.0.0.0:8443", "", "https://127.0.0.1:8443"},
		{"[::]:8443", "", "https://127.0.0.1:8443"},
		{"0.0.0.0:8443", "emulator.local", "https://emulator.local:8443"},
	} {
		addr, err := net.ResolveTCPAddr("tcp", tc.listen)
		if err != nil {
			t.Fatal(err)
		}
		if got := baseURL(addr, tc.host); got != tc.want {
			t.Errorf("%s %s: %s, want %s", tc.listen, tc.host, got, tc.want)
		}
	}
}

// TestHelpAndReadmeDocumentEveryKnob: --help succeeds and lists every flag and the job conventions, and the
// README names every flag too (they are the emulator's contract).
func TestHelpAndReadmeDocumentEveryKnob(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"--help"}, &out, &out); err != nil {
		t.Fatalf("--help: %v", err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var flags []string
	for _, line := range strings.Split(out.String(), "\n") {
		if f, ok := strings.CutPrefix(strings.TrimSpace(line), "-"); ok && !strings.HasPrefix(line, "    ") {
			flags = append(flags, strings.Fields(f)[0])
		}
	}
	if len(flags) < 15 {
		t.Fatalf("found only %d flags in --help: %s", len(flags), out.String())
	}
	for _, f := range flags {
		switch f {
		case "listen", "data", "host", "quiet": // documented in the README's walkthrough
			continue
		}
		if !strings.Contains(string(readme), "`--"+f+"`") {
			t.Errorf("README does not document --%s", f)
		}
	}
	for _, convention := range []string{"exit N", "sleep N", "BATCHAI_EMULATOR_EXIT_CODE", "BATCHAI_EMULATOR_DURATION", "SetupTaskFailed"} {
		if !strings.Contains(out.String(), convention) || !strings.Contains(string(readme), convention) {
			t.Errorf("%q is missing from --help or the README", convention)
		}
	}
}
