// Command admin-console is the Admin Console desktop application. With no
// subcommand it opens the window; `backup FILE` and `verify-audit` are small
// administration commands that share the same wiring.
package main

import (
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"

	"github.com/jeandeaual/go-locale"

	"admin-console/backend/demo"
	"admin-console/backend/desktop"
	"admin-console/backend/i18n"
	"admin-console/backend/secrets"
	"admin-console/backend/store"
)

//go:embed all:frontend/dist
var assets embed.FS

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `Usage: admin-console [--data-dir DIR] [COMMAND]

Commands:
  (none)          open the desktop application
  backup FILE     write a consistent copy of the database to FILE (safe while the app runs)
  verify-audit    check the audit trail's hash chain and its authenticated head
  demo            fill an empty data directory with a demo organization (Enterprise +
                  Scale, 25 members, 6 workspaces, 180 days of usage, invoices) and open it
  set-plan EMAIL CHAT API
                  put the organization EMAIL owns on a chat plan (free, pro, team,
                  enterprise) and an API plan (experiment, scale) without a
                  subscription: the platform operator's override
  zdr list        list the Zero Data Retention requests waiting for a decision
  zdr approve ID [--note TEXT]
  zdr decline ID --note TEXT
                  decide a request as the platform operator: approving turns
                  Data Capture off in its workspaces; declining needs a note

The data directory defaults to $ADMIN_CONSOLE_DATA_DIR, else the per-user
configuration directory (%s).
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("admin-console", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data-dir", "", "data directory (database and settings)")
	fs.Usage = func() { fmt.Fprintf(stderr, usage, defaultDataDir()) }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	dir := resolveDataDir(*dataDir)
	ctx := context.Background()
	switch cmd := fs.Arg(0); cmd {
	case "":
		return runDesktop(ctx, dir, stderr)
	case "backup":
		if fs.NArg() != 2 {
			fs.Usage()
			return 2
		}
		return runBackup(ctx, dir, fs.Arg(1), stdout, stderr)
	case "verify-audit":
		return runVerifyAudit(ctx, dir, stdout, stderr)
	case "demo":
		return runDemo(ctx, dir, stdout, stderr)
	case "set-plan":
		if fs.NArg() != 4 {
			fs.Usage()
			return 2
		}
		return runSetPlan(ctx, dir, fs.Arg(1), fs.Arg(2), fs.Arg(3), stdout, stderr)
	case "zdr":
		return runZDR(ctx, dir, fs.Args()[1:], stdout, stderr)
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n", cmd)
		fs.Usage()
		return 2
	}
}

func defaultDataDir() string {
	base, err := os.UserConfigDir()
	if err != nil {
		base = "."
	}
	return filepath.Join(base, "admin-console")
}

// resolveDataDir applies the order: --data-dir, $ADMIN_CONSOLE_DATA_DIR, the
// per-user configuration directory.
func resolveDataDir(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if env := os.Getenv("ADMIN_CONSOLE_DATA_DIR"); env != "" {
		return env
	}
	return defaultDataDir()
}

func osLocales() []string {
	l, err := locale.GetLocales()
	if err != nil {
		return nil
	}
	return l
}

// say prints a localized message for the operator before any window exists.
func say(w io.Writer, id string, data map[string]any) {
	lang := i18n.Match(osLocales()...)
	if b, err := i18n.Load(); err == nil {
		fmt.Fprintln(w, b.T(lang, id, data))
		return
	}
	fmt.Fprintln(w, id)
}

func hasDisplay() bool {
	if runtime.GOOS != "linux" && runtime.GOOS != "freebsd" {
		return true
	}
	return os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
}

func openCore(ctx context.Context, dir string, stderr io.Writer) (*desktop.Core, bool) {
	core, err := desktop.Open(ctx, desktop.Options{DataDir: dir, Keychain: secrets.NewOS(), OSLocales: osLocales(),
		Log: slog.New(slog.NewTextHandler(stderr, nil))})
	switch {
	case errors.Is(err, store.ErrNewerSchema):
		say(stderr, "startup.newer_schema", nil)
		return nil, false
	case err != nil:
		say(stderr, "startup.failed", map[string]any{"Reason": err.Error()})
		return nil, false
	}
	return core, true
}

func runDesktop(ctx context.Context, dir string, stderr io.Writer) int {
	if bindingsMode {
		return runForBindings(ctx, stderr)
	}
	if !hasDisplay() {
		say(stderr, "startup.no_display", nil)
		return 3
	}
	core, ok := openCore(ctx, dir, stderr)
	if !ok {
		return 1
	}
	defer core.Close()
	core.RestoreSession(ctx)
	if err := newApp(core).run(assets); err != nil {
		say(stderr, "startup.failed", map[string]any{"Reason": err.Error()})
		return 1
	}
	return 0
}

// runForBindings lets the Wails CLI read the bound methods: a throwaway data
// directory and an in-memory keychain, so no user data is touched.
func runForBindings(ctx context.Context, stderr io.Writer) int {
	dir, err := os.MkdirTemp("", "admin-console-bindings-")
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	core, err := desktop.Open(ctx, desktop.Options{DataDir: dir, Keychain: secrets.NewMemory()})
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer core.Close()
	if err := newApp(core).run(assets); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

func runBackup(ctx context.Context, dir, file string, stdout, stderr io.Writer) int {
	db, err := store.Open(ctx, filepath.Join(dir, desktop.DBFile))
	if err != nil {
		fmt.Fprintln(stderr, "backup:", err)
		return 1
	}
	defer db.Close()
	if err := db.Backup(ctx, file); err != nil {
		fmt.Fprintln(stderr, "backup:", err)
		return 1
	}
	fmt.Fprintf(stdout, "backup written to %s\n", file)
	return 0
}

func runVerifyAudit(ctx context.Context, dir string, stdout, stderr io.Writer) int {
	res, err := desktop.VerifyAudit(ctx, dir, secrets.NewOS())
	if err != nil {
		fmt.Fprintln(stderr, "verify-audit:", err)
		return 1
	}
	fmt.Fprintln(stdout, res.String())
	if !res.OK {
		return 1
	}
	return 0
}

func runSetPlan(ctx context.Context, dir, email, chat, api string, stdout, stderr io.Writer) int {
	core, err := desktop.Open(ctx, desktop.Options{DataDir: dir, Keychain: secrets.NewOS(), Log: slog.New(slog.NewTextHandler(stderr, nil))})
	if err != nil {
		fmt.Fprintln(stderr, "set-plan:", err)
		return 1
	}
	defer core.Close()
	orgID, err := core.OwnedOrganization(ctx, email)
	if err == nil {
		err = core.Orgs.SetPlansAsOperator(ctx, orgID, chat, api)
	}
	if err != nil {
		fmt.Fprintln(stderr, "set-plan:", err)
		return 1
	}
	fmt.Fprintf(stdout, "organization of %s is now on %s + %s\n", email, chat, api)
	return 0
}

// runDemo fills the data directory with the demo organization and opens the
// app on it, signed out: the credentials are printed.
func runDemo(ctx context.Context, dir string, stdout, stderr io.Writer) int {
	core, ok := openCore(ctx, dir, stderr)
	if !ok {
		return 1
	}
	err := core.FillDemo(ctx)
	core.Close()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "Demo data written to %s.\nSign in as %s with the password %q.\n", dir, demo.OwnerEmail, demo.OwnerPassword)
	if os.Getenv("ADMIN_CONSOLE_DEMO_NO_WINDOW") != "" {
		return 0
	}
	return runDesktop(ctx, dir, stderr)
}
