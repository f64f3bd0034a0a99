package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
)

// The commands of the srtctl releases the stand-in plays besides P1
// (reference §1.7 and §2.6), in their help's order.
var (
	v1Commands = []string{"apply", "dry-run", "preflight", "monitor", "view", "resolve-override", "diff", "check"}
	v2Commands = []string{"apply", "dry-run", "render", "migrate", "schema", "schema-docs", "skill", "status-server", "dsight", "preflight", "monitor"}
)

// V2Version is what the stand-in's 2.x answers to --version. The format
// of the real 2.x's answer is not confirmed; 1.0.x has no --version.
const V2Version = "srtctl 2.0.0"

// srtctlToday plays srtctl 1.0.x or 2.x (the release of the srtslurm.yaml
// in the working directory) for what is decided before a job exists:
// --version, --help, dry-run, migrate, schema and apply's load-time
// checks. done is false for P1 (runSrtctl plays it) and for an apply whose
// file loads, which then goes on to be submitted.
func srtctlToday(args []string, stdout, stderr io.Writer) (code int, done bool) {
	cwd, err := os.Getwd()
	if err != nil {
		return 0, false
	}
	cfg, err := loadClusterConfig(cwd)
	if err != nil || cfg.Release == ReleaseP1 {
		return 0, false
	}
	cmds, dia := v1Commands, jobspec.DialectV1
	if cfg.Release == ReleaseV2 {
		cmds, dia = v2Commands, jobspec.DialectV2
	}
	usage := "usage: srtctl [-h] {" + strings.Join(cmds, ",") + "} ...\n"
	if len(args) > 0 && args[0] == "--version" && dia == jobspec.DialectV2 {
		fmt.Fprintln(stdout, V2Version)
		return 0, true
	}
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprintf(stdout, "%s\nSIMULATED srtctl (srtctl-tui stand-in for %s)\n\npositional arguments:\n  {%s}\n", usage, dia.Title(), strings.Join(cmds, ","))
		return 0, true
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		// argparse: the subcommand is required (1.0.x has no --version).
		fmt.Fprintf(stderr, "%ssrtctl: error: the following arguments are required: command\n", usage)
		return 2, true
	}
	cmd := args[0]
	known := false
	for _, c := range cmds {
		known = known || c == cmd
	}
	if !known {
		q := make([]string, len(cmds))
		for i, c := range cmds {
			q[i] = "'" + c + "'"
		}
		fmt.Fprintf(stderr, "%ssrtctl: error: argument command: invalid choice: '%s' (choose from %s)\n", usage, cmd, strings.Join(q, ", "))
		return 2, true
	}
	switch cmd {
	case "apply", "dry-run":
		return todayLoad(cmd, args[1:], dia, stdout, stderr)
	case "migrate":
		return todayMigrate(args[1:], stdout, stderr), true
	case "schema":
		// The real command prints the whole JSON Schema of recipes; the
		// stand-in prints the part the reference vouches for.
		fmt.Fprintln(stdout, `{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": {"schema": {"enum": [2]}}, "required": ["schema"]}`)
		return 0, true
	}
	fmt.Fprintf(stderr, "srtctl %s: not simulated by the stand-in\n", cmd)
	return 2, true
}

// todayLoad is apply's and dry-run's loading: the file through the
// release's load-time rules, printed as srtctl prints its errors
// ("Error: Invalid config in F: ..." on stdout, or one JSON line with
// apply --json). A file that loads ends dry-run with its summary and lets
// apply go on.
func todayLoad(cmd string, args []string, dia jobspec.Dialect, stdout, stderr io.Writer) (int, bool) {
	path, asJSON, err := todayFileArgs(args)
	if err != nil {
		fmt.Fprintf(stderr, "usage: srtctl %s [-h] -f CONFIG\nsrtctl %s: error: %v\n", cmd, cmd, err)
		return 2, true
	}
	fail := func(msg string) (int, bool) {
		if asJSON && cmd == "apply" {
			b, _ := json.Marshal(map[string]string{"status": "error", "error": msg})
			fmt.Fprintf(stdout, "%s\n", b)
		} else {
			fmt.Fprintf(stdout, "Error: %s\n", msg)
		}
		return 1, true
	}
	doc, err := jobspec.Load(path)
	if err != nil {
		var se *jobspec.SyntaxError
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return fail("Config not found: " + path)
		case errors.As(err, &se):
			return fail(fmt.Sprintf("Invalid config in %s: while parsing a block mapping in %q, line %d, column %d: %s", path, path, se.Line, se.Col, se.Reason))
		}
		return fail("Invalid config in " + path + ": " + err.Error())
	}
	if doc.Root() == nil {
		return fail("Invalid config in " + path + ": YAML file is empty")
	}
	if msg, prefixed := doc.SrtctlVerdict(dia); msg != "" {
		if prefixed {
			msg = "Invalid config in " + path + ": " + msg
		}
		return fail(msg)
	}
	if cmd == "apply" {
		return 0, false
	}
	job := doc.Job()
	fmt.Fprintf(stdout, "🔍 DRY-RUN (orchestrator mode): %s\n\nSIMULATED srtctl (%s): %s loads; nothing submitted.\n\nRunning:\n  Model:     %s\n  Container: %s\n  Benchmark: %s\n",
		job.Name, dia.Title(), path, job.Model.Path, job.Model.Container, job.Benchmark.TypeOrDefault())
	return 0, true
}

// todayFileArgs reads -f and the flags apply and dry-run take.
func todayFileArgs(args []string) (path string, asJSON bool, err error) {
	var rest []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--json":
			asJSON = true
		case a == "-y" || a == "--yes" || a == "--no-preflight" || a == "--sweep" || a == "--mock":
		case a == "-o" || a == "--output" || a == "--tags" || a == "--set" || a == "--unset" || a == "--setup-script":
			i++
		default:
			rest = append(rest, a)
		}
	}
	path, err = configFlag(rest)
	return path, asJSON, err
}

// todayMigrate is 2.x's `srtctl migrate -f F [--in-place | --output P]`.
func todayMigrate(args []string, stdout, stderr io.Writer) int {
	var files []string
	inPlace, output := false, ""
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-f" || a == "--file":
			if i+1 >= len(args) {
				fmt.Fprintf(stderr, "srtctl migrate: error: argument %s: expected one argument\n", a)
				return 2
			}
			i++
			files = append(files, args[i])
		case a == "--in-place":
			inPlace = true
		case a == "--output":
			if i+1 >= len(args) {
				fmt.Fprintln(stderr, "srtctl migrate: error: argument --output: expected one argument")
				return 2
			}
			i++
			output = args[i]
		default:
			fmt.Fprintf(stderr, "usage: srtctl migrate [-h] -f FILE [--in-place | --output PATH]\nsrtctl migrate: error: unrecognized arguments: %s\n", a)
			return 2
		}
	}
	if len(files) == 0 {
		fmt.Fprintln(stderr, "usage: srtctl migrate [-h] -f FILE [--in-place | --output PATH]\nsrtctl migrate: error: the following arguments are required: -f/--file")
		return 2
	}
	for _, f := range files {
		doc, err := jobspec.Load(f)
		if err != nil {
			fmt.Fprintf(stdout, "Error: %s: %v\n", f, err)
			return 1
		}
		out, err := jobspec.MigrateToV2(doc)
		if err != nil {
			fmt.Fprintf(stdout, "Error: %v\n", err)
			return 1
		}
		switch {
		case inPlace:
			if err := writeFileAtomic(f, out, 0o644); err != nil {
				fmt.Fprintf(stdout, "Error: %v\n", err)
				return 1
			}
			fmt.Fprintf(stdout, "%s: schema 1 -> 2\n", f)
		case output != "":
			if err := writeFileAtomic(output, out, 0o644); err != nil {
				fmt.Fprintf(stdout, "Error: %v\n", err)
				return 1
			}
			fmt.Fprintf(stdout, "%s -> %s: schema 1 -> 2\n", f, output)
		default:
			stdout.Write(out)
		}
	}
	return 0
}
