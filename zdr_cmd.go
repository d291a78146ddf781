package main

// The platform operator's Zero Data Retention commands:
//
//	admin-console [--data-dir DIR] zdr list
//	admin-console [--data-dir DIR] zdr approve ID [--note TEXT]
//	admin-console [--data-dir DIR] zdr decline ID --note TEXT
//
// The operator is no member of the organization: decisions are audited with
// the actor ID "operator" (privacy.Operator) and {"by": "operator"} in the
// details, as set-plan's plan changes are.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"admin-console/backend/apperr"
	"admin-console/backend/desktop"
	"admin-console/backend/i18n"
	"admin-console/backend/privacy"
	"admin-console/backend/secrets"
)

// operatorKeychain is the keychain the operator's commands open the data
// directory with (it holds the audit key); tests swap in a memory one.
var operatorKeychain = func() secrets.Keychain { return secrets.NewOS() }

const zdrUsage = `Usage:
  admin-console [--data-dir DIR] zdr list
  admin-console [--data-dir DIR] zdr approve ID [--note TEXT]
  admin-console [--data-dir DIR] zdr decline ID --note TEXT

list shows the Zero Data Retention requests waiting for a decision. approve
turns ZDR on for the request's workspaces and Data Capture off there; decline
needs a note saying why. The organization sees the decision and the note.
A decided request cannot be decided again.
`

func runZDR(ctx context.Context, dir string, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, zdrUsage)
		return 2
	}
	sub := args[0]
	fs := flag.NewFlagSet("zdr "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, zdrUsage) }
	note := fs.String("note", "", "the note the organization reads with the decision")
	// Flags may come before or after the request ID.
	var pos []string
	rest := args[1:]
	for {
		if err := fs.Parse(rest); err != nil {
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	switch {
	case sub == "list" && len(pos) == 0:
	case (sub == "approve" || sub == "decline") && len(pos) == 1:
	default:
		fmt.Fprint(stderr, zdrUsage)
		return 2
	}

	core, err := desktop.Open(ctx, desktop.Options{DataDir: dir, Keychain: operatorKeychain(),
		Log: slog.New(slog.NewTextHandler(stderr, nil))})
	if err != nil {
		fmt.Fprintln(stderr, "zdr:", err)
		return 1
	}
	defer core.Close()

	var r privacy.Request
	switch sub {
	case "list":
		pending, err := core.Privacy.PendingZDR(ctx)
		if err != nil {
			return operatorFailed(stderr, "zdr list", err)
		}
		printPending(stdout, pending)
		return 0
	case "approve":
		r, err = core.Privacy.ApproveZDR(ctx, pos[0], *note)
	case "decline":
		r, err = core.Privacy.DeclineZDR(ctx, pos[0], *note)
	}
	if err != nil {
		return operatorFailed(stderr, "zdr "+sub, err)
	}
	fmt.Fprintf(stdout, "Request %s of %s %s for %s.\n", r.ID, r.OrgName, r.Status, workspaceNames(r))
	if r.Status == privacy.Approved {
		fmt.Fprintln(stdout, "Zero Data Retention is active there; Data Capture is off and cannot be turned on.")
	}
	return 0
}

func workspaceNames(r privacy.Request) string {
	if len(r.Workspaces) == 0 {
		return "no workspace (all were deleted)"
	}
	names := make([]string, len(r.Workspaces))
	for i, w := range r.Workspaces {
		names[i] = w.Name
	}
	return strings.Join(names, ", ")
}

func printPending(w io.Writer, rs []privacy.Request) {
	if len(rs) == 0 {
		fmt.Fprintln(w, "No Zero Data Retention request is waiting for a decision.")
		return
	}
	for i, r := range rs {
		if i > 0 {
			fmt.Fprintln(w)
		}
		by := r.RequestedBy.Email
		if name := strings.TrimSpace(r.RequestedBy.FirstName + " " + r.RequestedBy.LastName); name != "" {
			by = name + " <" + by + ">"
		}
		fmt.Fprintf(w, "%s  requested %s\n", r.ID, r.RequestedAt.UTC().Format(time.DateOnly+" 15:04 UTC"))
		fmt.Fprintf(w, "  organization  %s (%s)\n", r.OrgName, r.OrgID)
		fmt.Fprintf(w, "  workspaces    %s\n", workspaceNames(r))
		fmt.Fprintf(w, "  requested by  %s\n", by)
		fmt.Fprintf(w, "  contact       %s\n", r.Contact)
		fmt.Fprintf(w, "  reason        %s\n", strings.ReplaceAll(r.Reason, "\n", "\n                "))
	}
	fmt.Fprintf(w, "\n%d waiting. Decide with: zdr approve ID [--note TEXT] or zdr decline ID --note TEXT\n", len(rs))
}

// operatorFailed prints a coded error as its message (in the operator's
// language) with the code, anything else as it is, and returns exit status 1.
func operatorFailed(w io.Writer, cmd string, err error) int {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		fmt.Fprintf(w, "%s: %v\n", cmd, err)
		return 1
	}
	msg := ae.Code
	if b, lerr := i18n.Load(); lerr == nil {
		msg = b.T(i18n.Match(osLocales()...), "error."+ae.Code, ae.Params)
	}
	fmt.Fprintf(w, "%s: %s (%s)\n", cmd, msg, ae.Code)
	return 1
}
