package main

import (
	"flag"
	"fmt"
)

// usageConventions follows the flags in --help: how command lines steer the emulated service. README
// ("Emulator conventions") says the same at length; both are part of the emulator's contract.
const usageConventions = `
Command lines (setup tasks, job preparations, jobs) are interpreted, not run: a small sh with echo, exit N,
true, false, sleep N, tee, NAME=value, ;, &&, ||, | and redirections; any other command succeeds silently.
  setup task that exits non-zero    its nodes are unusable; the cluster reports SetupTaskFailed errors
  job that exits N ("exit 3")       the job fails with exit code N
  job preparation that exits N      the job fails with JobPreparationFailed
  sleep N                           adds N seconds to the job's run time (--job-duration)
  BATCHAI_EMULATOR_EXIT_CODE=N      (in environmentVariables) forces the exit code
  BATCHAI_EMULATOR_DURATION=90s     (in environmentVariables) sets the job's run time
A job's output files are what its command lines printed (stdouterr) and wrote under $AZ_BATCHAI_OUTPUT_<id>;
their download URLs are SAS URLs the emulator serves itself under /storage/.
`

// usage prints the flags, then the conventions.
func usage(fs *flag.FlagSet) func() {
	return func() {
		out := fs.Output()
		_, _ = fmt.Fprint(out, usageHeader)
		fs.PrintDefaults()
		_, _ = fmt.Fprint(out, usageConventions)
	}
}
