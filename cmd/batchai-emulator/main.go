// Command batchai-emulator serves the Batch AI (Microsoft.BatchAI 2018-05-01) ARM emulator over HTTPS.
//
//	batchai-emulator --listen 127.0.0.1:0 --data DIR [--provisioning-delay 5s] [--consistency-lag 1] [--fault-rate 0.2]
//
// --help lists every knob, with what real Azure did (the defaults follow recorded Batch AI traffic), and the
// command-line conventions (exit N, sleep N, BATCHAI_EMULATOR_EXIT_CODE, BATCHAI_EMULATOR_DURATION) that make
// setup tasks and jobs fail or last on purpose.
//
// Once it is serving it writes DIR/emulator.json (endpoint, metadata_host, authority_host, adfs_authority, audience,
// ca_certificate, tenant_id, subscription_id, other_subscription_id, client_id, client_secret, object_id,
// reader_client_id, reader_client_secret, reader_object_id, resource_group, location) and prints "export ...=..."
// lines that a shell can eval to point azurerm-style tooling (and, with BATCHAI_EMULATOR_ADFS_AUTHORITY, the Azure
// CLI) at it. Requests are logged
// to stderr (method, path, status, duration, request id; never bodies or tokens). SIGINT or SIGTERM shut it
// down gracefully (exit status 0). State and credentials live in DIR and survive restarts.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// InfoFile is the connection file written into the data directory.
const InfoFile = "emulator.json"

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "batchai-emulator:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("batchai-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8443", "address to serve HTTPS on (port 0 picks a free port)")
	dataDir := fs.String("data", ".batchai-emulator", "directory for state, TLS material and credentials")
	provisioning := fs.Duration("provisioning-delay", emulator.DefaultProvisioningDelay, "time a node takes to be "+
		"allocated or to leave. Real Azure: minutes (a recorded job waited about 2 min for its first node)")
	allocation := fs.Duration("allocation-delay", emulator.DefaultAllocationDelay, "time before the nodes of a "+
		"resize appear. Real Azure: right after a create the cluster was resizing with 0 nodes")
	operation := fs.Duration("operation-delay", emulator.DefaultOperationDelay, "time a create or delete "+
		"operation stays InProgress. Real Azure: a cluster create about 20 s (1 s in 2021), a cluster delete about 5.5 min")
	retryAfter := fs.Duration("retry-after", emulator.DefaultRetryAfter, "Retry-After sent with every long-running operation's "+
		"202 and InProgress polls (0: none, clients pace themselves). Real Azure: none on cluster, file-server and job operations")
	pageSize := fs.Int("page-size", emulator.DefaultPageSize, "maximum items per list page. "+
		"Real Azure: the spec's maxresults, 1000 by default")
	capacity := fs.Int("regional-capacity", 0, "nodes the region can allocate to one cluster; a cluster asking for more stays below its target with an AllocationFailed error (0: no limit). "+
		"Real Azure: a region short of capacity left clusters steady below their target with an allocation error")
	jobDuration := fs.Duration("job-duration", emulator.DefaultJobDuration, "time a job runs once it has its nodes, plus its command lines' sleeps (a job's BATCHAI_EMULATOR_DURATION overrides it). "+
		"Real Azure: a one-line echo job ran about 6 minutes (2021 recording)")
	scaleDown := fs.Duration("scale-down-delay", emulator.DefaultScaleDownDelay, "time an auto-scale cluster keeps nodes its jobs no longer need before it shrinks. "+
		"Real Azure: auto-scale was re-evaluated every few minutes")
	fileServerDelay := fs.Duration("file-server-delay", emulator.DefaultFileServerDelay, "time a file server create stays InProgress. "+
		"Real Azure: recorded creates stayed InProgress about 3 min 45 s")
	failFileServers := fs.Bool("fail-file-servers", false, "end every file server create Failed with FileServerProvisioningFailed. "+
		"Real Azure: both recorded file-server creates ended this way")
	preemption := fs.Duration("preemption-interval", 0, "time after which Azure reclaims each low-priority node (it is replaced; its job is requeued) (0: never). "+
		"Real Azure: low-priority nodes could be reclaimed at any time")
	host := fs.String("host", "", "host name clients use, when not the listen address (added to the certificate)")
	quiet := fs.Bool("quiet", false, "do not log requests")
	applyKnobs := knobFlags(fs)
	fs.Usage = usage(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil // --help is not a failure
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	level := slog.LevelInfo
	if *quiet {
		level = slog.LevelWarn
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	dir, err := filepath.Abs(*dataDir)
	if err != nil {
		return err
	}
	infoPath := filepath.Join(dir, InfoFile)
	// A file left by a killed run names a dead port: remove it before anyone can mistake it for ours.
	if err := os.Remove(infoPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	addr, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		_ = ln.Close()
		return fmt.Errorf("listening on %s: not a TCP address", ln.Addr())
	}
	base := baseURL(addr, *host)
	// A delay of 0 on the command line means none; emulator.Config reads 0 as "default".
	for _, d := range []*time.Duration{provisioning, allocation, operation, jobDuration, scaleDown, fileServerDelay} {
		if *d == 0 {
			*d = -1
		}
	}
	cfg := emulator.Config{
		DataDir: dir, BaseURL: base, Hosts: hosts(*host), ProvisioningDelay: *provisioning,
		AllocationDelay: *allocation, OperationDelay: *operation, RetryAfter: *retryAfter, PageSize: *pageSize,
		RegionalCapacity: *capacity, PreemptionInterval: *preemption, JobDuration: *jobDuration, ScaleDownDelay: *scaleDown,
		FileServerDelay: *fileServerDelay, FailFileServers: *failFileServers,
		Logger: logger,
	}
	if err := applyKnobs(&cfg); err != nil {
		_ = ln.Close()
		return err
	}
	emu, err := emulator.New(cfg)
	if err != nil {
		_ = ln.Close()
		return err
	}
	served := make(chan error, 1)
	go func() { served <- emu.Serve(ln) }()

	info := emu.Info()
	if err := writeInfo(infoPath, info); err != nil {
		_ = emu.Close()
		return err
	}
	printExports(stdout, info)
	logger.Info("serving", "endpoint", info.Endpoint, "data", dir)

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	select {
	case err := <-served:
		_ = emu.Close()
		return fmt.Errorf("serving: %w", err)
	case sig := <-sigs:
		logger.Info("shutting down", "signal", sig.String())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = emu.Shutdown(ctx)
	if serr := <-served; err == nil {
		err = serr
	}
	_ = os.Remove(infoPath)
	return err
}

// baseURL is the origin clients use: the listen address, with a wildcard address replaced by loopback.
func baseURL(addr *net.TCPAddr, host string) string {
	h := host
	if h == "" {
		h = addr.IP.String()
		if addr.IP.IsUnspecified() {
			h = "127.0.0.1"
		}
	}
	return "https://" + net.JoinHostPort(h, fmt.Sprint(addr.Port))
}

func hosts(host string) []string {
	if host == "" {
		return nil
	}
	return []string{host}
}

// writeInfo writes the connection file atomically (mode 0600: it holds the client secret).
func writeInfo(path string, info emulator.Info) error {
	raw, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(raw, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// printExports prints the environment azurerm-style tools read, quoted for any POSIX shell.
func printExports(w io.Writer, info emulator.Info) {
	for _, kv := range [][2]string{
		{"ARM_SUBSCRIPTION_ID", info.SubscriptionID},
		{"ARM_TENANT_ID", info.TenantID},
		{"ARM_CLIENT_ID", info.ClientID},
		{"ARM_CLIENT_SECRET", info.ClientSecret},
		{"ARM_METADATA_HOSTNAME", info.MetadataHost},
		{"ARM_CA_CERTIFICATE_FILE", info.CACertificate},
		{"BATCHAI_EMULATOR_RESOURCE_GROUP", info.ResourceGroup},
		{"BATCHAI_EMULATOR_ADFS_AUTHORITY", info.ADFSAuthority},
	} {
		_, _ = fmt.Fprintf(w, "export %s=%s\n", kv[0], shellQuote(kv[1]))
	}
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
