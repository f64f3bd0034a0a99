package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/srtctl-tui/srtctl-tui/runner"
	"github.com/srtctl-tui/srtctl-tui/safetext"
)

func init() { registerCommand(newClustersCmd) }

// Exit codes of the cluster commands, beyond 0 (done), 1 (the operation
// failed: srtctl refused, scancel failed, ...) and 2 (usage or configuration).
// exitUnreachable: the cluster could not be reached (every command that
// connects); 3 is the monitor's "cancelled by someone else".
const exitUnreachable = 4

// clusterFlags are the options every command that talks to a cluster takes.
type clusterFlags struct {
	cluster string
	config  string
}

func (f *clusterFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&f.cluster, "cluster", "c", "", "cluster name from the configuration (default: its default)")
	cmd.Flags().StringVar(&f.config, "config", "", "cluster configuration file (default "+runner.DefaultConfigPath()+")")
}

// checkExplicit fails when --config names a file that does not exist. Only
// the default file is created on first use: a mistyped --config must not
// quietly become a new configuration whose only cluster is "local".
// Commands that carry on without a configuration (jobs lists the history)
// call it first, as a missing file the user named is never what they meant.
func (f *clusterFlags) checkExplicit() error {
	if f.config == "" {
		return nil
	}
	if _, err := os.Stat(f.config); errors.Is(err, fs.ErrNotExist) {
		return withExit(2, fmt.Errorf("--config %s: no such file (leave --config out to use %s, which is created on first use)", f.config, runner.DefaultConfigPath()))
	}
	return nil
}

func (f *clusterFlags) load() (*runner.Config, error) {
	if err := f.checkExplicit(); err != nil {
		return nil, err
	}
	p := f.config
	if p == "" {
		p = runner.DefaultConfigPath()
	}
	cfg, err := runner.LoadConfig(p)
	if err != nil {
		return nil, withExit(2, err)
	}
	return cfg, nil
}

func (f *clusterFlags) resolve() (*runner.Config, runner.Cluster, error) {
	cfg, err := f.load()
	if err != nil {
		return nil, runner.Cluster{}, err
	}
	cl, err := cfg.Cluster(f.cluster)
	if err != nil {
		return nil, cl, withExit(2, err)
	}
	return cfg, cl, nil
}

// stdinIsTerminal says whether the user can answer prompts (a variable so
// tests can play both sides).
var stdinIsTerminal = func() bool { return isTerminal(os.Stdin) }

// isTerminal reports whether stream is a terminal; a buffer (tests) or
// /dev/null (a character device, but no terminal) is not.
func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// connectCluster opens the cluster's connection. On a terminal, ssh gets
// it for the master connection (password, 2FA and host key prompts are
// its own); otherwise ssh runs in BatchMode and fails instead of prompting.
// Reconnects later never prompt (runner.Conn.Reconnect): under a screen,
// a prompt would be hidden. keep leaves the master running on Close (for a
// monitor's re-attach); without it the master ends with its last user.
func connectCluster(ctx context.Context, cl runner.Cluster, history *runner.History, keep bool) (*runner.Conn, error) {
	opts := runner.ConnectOptions{History: history, KeepMaster: keep}
	if stdinIsTerminal() {
		opts.Stdin, opts.Stdout, opts.Stderr = os.Stdin, os.Stderr, os.Stderr
		if !cl.Local {
			fmt.Fprintf(os.Stderr, "Connecting to %s (%s)...\n", cl.Name, cl.Host)
		}
	}
	conn, err := runner.Connect(ctx, cl, opts)
	if err != nil {
		var ce *runner.ConnectError
		if errors.As(err, &ce) {
			return nil, withExit(exitUnreachable, err)
		}
		return nil, withExit(1, err)
	}
	return conn, nil
}

func openHistory() *runner.History { return runner.OpenHistory(runner.DefaultHistoryPath()) }

func newClustersCmd() *cobra.Command {
	var f clusterFlags
	var noCheck bool
	cmd := &cobra.Command{
		Use:   "clusters",
		Short: "List the configured clusters and check each one",
		Long: `List the clusters of the configuration file (created with comments on first
use) and check each: reachable over ssh, srtctl found, squeue found.
The cluster "local" is this machine: it is checked only when it is the
default or asked for with --cluster local. Exit status 1 when a checked
cluster fails.`,
		Example: "  srtctl-tui clusters\n  srtctl-tui clusters --no-check",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.load()
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Configuration: %s\n\n", safetext.Field(cfg.Path))
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tHOST\tSRTCTL_ROOT\tCHECK")
			failed := 0
			names := cfg.Names()
			if f.cluster != "" {
				names = []string{f.cluster}
			}
			for _, name := range names {
				cl, err := cfg.Cluster(name)
				if err != nil {
					return withExit(2, err)
				}
				mark := name
				if name == cfg.Default {
					mark += " (default)"
				}
				check := "not checked"
				switch {
				case noCheck:
				case cl.Local && name != cfg.Default && f.cluster == "":
					// Most machines running srtctl-tui are not login nodes:
					// failing on "local" would make clusters && ... useless.
					check = "not checked (this machine; check it with --cluster " + name + ")"
				default:
					ctx, cancel := context.WithTimeout(cmd.Context(), 60*time.Second)
					check, err = checkCluster(ctx, cl)
					cancel()
					if err != nil {
						failed++
						check = "FAIL: " + strings.ReplaceAll(err.Error(), "\n", " ")
					}
				}
				// ssh's and the cluster's words are in check: one cell, one
				// line, no escapes (a tab would shift the columns).
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", safetext.Field(mark), safetext.Field(cl.Where()),
					safetext.Field(cl.SrtctlRoot), safetext.Field(check))
			}
			tw.Flush()
			if failed > 0 {
				return withExit(1, fmt.Errorf("%d cluster(s) failed the check", failed))
			}
			return nil
		},
	}
	f.add(cmd)
	cmd.Flags().BoolVar(&noCheck, "no-check", false, "list only; do not connect")
	return cmd
}

// checkCluster connects and looks for srtctl and squeue in one command.
func checkCluster(ctx context.Context, cl runner.Cluster) (string, error) {
	conn, err := connectCluster(ctx, cl, nil, false)
	if err != nil {
		return "", unwrapExit(err)
	}
	defer conn.Close()
	c := conn.Cluster()
	var missing []string
	for _, tool := range []string{c.SrtctlCommand()[0], "squeue"} {
		if _, _, err := conn.Run(ctx, "sh", "-c", `command -v "$1" >/dev/null`, "sh", tool); err != nil {
			var ce *runner.CommandError
			if errors.As(err, &ce) && ce.Transport {
				return "", err
			}
			missing = append(missing, tool)
		}
	}
	if _, err := conn.FS().Stat(c.SrtctlRoot); err != nil {
		missing = append(missing, "srtctl_root "+c.SrtctlRoot)
	}
	if len(missing) > 0 {
		return "", fmt.Errorf("reachable, but not found: %s", strings.Join(missing, ", "))
	}
	// Which srtctl it runs decides the rules new, edit and validate
	// follow for it: say it (learned once, then cached for a day).
	srtctl := "srtctl"
	if v, err := conn.SrtctlVersion(ctx); err == nil && v.Dialect != "" {
		srtctl = v.Dialect.Title()
		if v.Version != "" {
			srtctl += " (" + safetext.Field(v.Version) + ")"
		}
	}
	return "ok (reachable, " + srtctl + " and squeue found)", nil
}

func unwrapExit(err error) error {
	var ee *exitError
	if errors.As(err, &ee) && ee.err != nil {
		return ee.err
	}
	return err
}

// progressLine rewrites one status line on a terminal, or prints nothing
// elsewhere (logs should not fill with carriage returns).
type progressLine struct {
	w    io.Writer
	tty  bool
	last int
}

func (p *progressLine) set(s string) {
	if !p.tty {
		return
	}
	pad := ""
	if n := p.last - len(s); n > 0 {
		pad = strings.Repeat(" ", n)
	}
	fmt.Fprintf(p.w, "\r%s%s", s, pad)
	p.last = len(s)
}

func (p *progressLine) done() {
	if p.tty && p.last > 0 {
		fmt.Fprintln(p.w)
		p.last = 0
	}
}
