package script

import (
	"reflect"
	"testing"
	"time"
)

func TestRun(t *testing.T) {
	env := map[string]string{"OUT": "/mnt/out", "NAME": "world", "EMPTY": ""}
	for _, tc := range []struct {
		line           string
		exit           int
		stdout, stderr string
		sleep          time.Duration
		files          map[string]string
	}{
		{line: "", exit: 0},
		{line: "echo hi", stdout: "hi\n"},
		{line: "echo   hello    world", stdout: "hello world\n"},
		{line: `echo "hello   $NAME" 'and $NAME' ${NAME}s \$NAME`, stdout: "hello   world and $NAME worlds $NAME\n"},
		{line: "echo -n a; echo b", stdout: "ab\n"},
		{line: `echo -e 'a\tb\nc'`, stdout: "a\tb\nc\n"},
		{line: "echo $UNKNOWN$EMPTY.", stdout: ".\n"},
		{line: "exit 3", exit: 3},
		{line: "echo before; exit 3; echo after", exit: 3, stdout: "before\n"},
		{line: "exit 256", exit: 0},
		{line: "exit nope", exit: 2, stderr: "exit: nope: numeric argument required\n"},
		{line: "false", exit: 1},
		{line: "false; exit", exit: 1},
		{line: "false; exit $UNSET", exit: 1},
		{line: `echo a $UNSET "" b`, stdout: "a  b\n"},
		{line: "true && echo yes || echo no", stdout: "yes\n"},
		{line: "false && echo yes || echo no", stdout: "no\n"},
		{line: "false || exit 7 && echo unreachable", exit: 7},
		{line: "python train.py --epochs 3", exit: 0},
		{line: "echo oops >&2; exit 1", exit: 1, stderr: "oops\n"},
		{line: "1>&2 echo early", stderr: "early\n"},
		{line: "echo both 2>&1 >&2", stdout: "both\n"},
		{line: "echo x > $OUT/a.txt; echo y >> $OUT/a.txt; echo z > /mnt//out/./b.txt",
			files: map[string]string{"/mnt/out/a.txt": "x\ny\n", "/mnt/out/b.txt": "z\n"}},
		{line: "echo hi | tee $OUT/hi.txt", stdout: "hi\n", files: map[string]string{"/mnt/out/hi.txt": "hi\n"}},
		{line: "echo a | tee -a $OUT/log; echo b | tee -a $OUT/log >/dev/null",
			stdout: "a\n", files: map[string]string{"/mnt/out/log": "a\nb\n"}},
		{line: "echo piped | grep p | cat", stdout: "piped\n"},
		{line: "echo hidden > /dev/null", stdout: ""},
		{line: "echo err 2> $OUT/err.log >&2", files: map[string]string{"/mnt/out/err.log": "err\n"}},
		{line: "echo all &> $OUT/all.log", files: map[string]string{"/mnt/out/all.log": "all\n"}},
		{line: "> $OUT/empty", files: map[string]string{"/mnt/out/empty": ""}},
		{line: "sleep 30; sleep 1.5m; sleep 2h", sleep: 30*time.Second + 90*time.Second + 2*time.Hour},
		{line: "sleep forever", exit: 1, stderr: "sleep: invalid time interval 'forever'\n"},
		{line: "X=1; echo $X; export Y=\"a b\"; echo \"$Y\"", stdout: "1\na b\n"},
		{line: "'X=1'; echo $X", stdout: "\n"},
		{line: "echo one # a comment; exit 9\necho two", stdout: "one\ntwo\n"},
		{line: "echo a\\\n b", stdout: "a b\n"},
		{line: "false; echo $?; true; echo $?", stdout: "1\n0\n"},
		{line: "echo a>$OUT/x2", files: map[string]string{"/mnt/out/x2": "a\n"}},
		{line: "echo x2 a&&echo b", stdout: "x2 a\nb\n"},
		{line: "sleep 5 & echo bg", stdout: "bg\n", sleep: 5 * time.Second},
		{line: `echo "unterminated`, stdout: "unterminated\n"},
		{line: `echo 'unterminated`, stdout: "unterminated\n"},
		{line: "echo >", stdout: "\n"},
		{line: "|| && ;", exit: 0},
	} {
		got := Run(tc.line, env)
		files := tc.files
		if files == nil {
			files = map[string]string{}
		}
		if got.ExitCode != tc.exit || got.Stdout != tc.stdout || got.Stderr != tc.stderr || got.Sleep != tc.sleep ||
			!reflect.DeepEqual(got.Files, files) {
			t.Errorf("Run(%q) = exit %d, stdout %q, stderr %q, sleep %v, files %q\nwant exit %d, stdout %q, stderr %q, sleep %v, files %q",
				tc.line, got.ExitCode, got.Stdout, got.Stderr, got.Sleep, got.Files, tc.exit, tc.stdout, tc.stderr, tc.sleep, files)
		}
	}
}

func TestRunDoesNotChangeTheEnvironment(t *testing.T) {
	env := map[string]string{"A": "1"}
	Run("A=2; export B=3", env)
	if !reflect.DeepEqual(env, map[string]string{"A": "1"}) {
		t.Errorf("env changed: %v", env)
	}
}

func TestRunFileOrder(t *testing.T) {
	r := Run("echo 1 > /o/b; echo 2 > /o/a; echo 3 >> /o/b", nil)
	if !reflect.DeepEqual(r.Order, []string{"/o/b", "/o/a"}) {
		t.Errorf("order %v", r.Order)
	}
}

// FuzzRun checks that any command line is interpreted without panicking, with a status in 0..255.
func FuzzRun(f *testing.F) {
	for _, s := range []string{"echo hi | tee $X/a", "exit 3", `"$`, "${", "a 2>", "echo \\", "'", "1>&2 2>&1 &>>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		r := Run(line, map[string]string{"X": "/x"})
		if r.ExitCode < 0 || r.ExitCode > 255 {
			t.Errorf("exit code %d", r.ExitCode)
		}
	})
}
