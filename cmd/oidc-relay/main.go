// Command oidc-relay forwards Apple's "Sign in with Apple" answer to the
// Admin Console on the person's computer.
//
// Apple only redirects to registered HTTPS addresses, never to the app's
// loopback address. So the app registers this relay's address as its return
// URL; Apple posts the answer here (response_mode=form_post), and the relay
// answers the browser with a 303 redirect to http://127.0.0.1:<port>/callback,
// taking the port from the state the app chose ("<port>.<random>"). It holds
// no secret, stores nothing, and never logs the code.
//
// Usage:
//
//	oidc-relay [-listen :8080]          serve /apple/callback (put TLS in front)
//	oidc-relay apple-client-secret -team-id T -key-id K -client-id C -key AuthKey_K.p8 [-days 180]
//	                                    print the client-secret JWT for the settings file
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"admin-console/backend/oidc"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "apple-client-secret" {
		return appleSecret(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("oidc-relay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", ":8080", "address to listen on; terminate TLS in front of it")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Error("listen", "err", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log.Info("oidc-relay listening", "addr", ln.Addr().String(), "path", oidc.RelayPath)
	if err := serve(ctx, ln, log); err != nil {
		log.Error("serve", "err", err)
		return 1
	}
	return 0
}

// newServer is the relay's HTTP server: the relay path and a health check.
func newServer(log *slog.Logger) *http.Server {
	mux := http.NewServeMux()
	mux.Handle(oidc.RelayPath, oidc.NewRelay(log))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok\n")
	})
	return &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// serve runs the relay on ln until ctx is done, then shuts it down gracefully.
func serve(ctx context.Context, ln net.Listener, log *slog.Logger) error {
	srv := newServer(log)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

// appleSecret prints the ES256 client-secret JWT Apple's token endpoint wants.
func appleSecret(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("oidc-relay apple-client-secret", flag.ContinueOnError)
	fs.SetOutput(stderr)
	team := fs.String("team-id", "", "Apple Developer team ID (10 characters)")
	keyID := fs.String("key-id", "", "ID of the Sign in with Apple key")
	client := fs.String("client-id", "", "the Services ID, as in client_id")
	keyFile := fs.String("key", "", "the AuthKey_<key-id>.p8 file")
	days := fs.Int("days", 180, "validity in days (Apple accepts at most about 182)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	p8, err := os.ReadFile(*keyFile)
	if err != nil {
		fmt.Fprintln(stderr, "oidc-relay:", err)
		return 1
	}
	valid := time.Duration(*days) * 24 * time.Hour
	jwt, err := oidc.AppleClientSecret(p8, *team, *keyID, *client, time.Now(), valid)
	if err != nil {
		fmt.Fprintln(stderr, "oidc-relay:", err)
		return 1
	}
	fmt.Fprintln(stdout, jwt)
	fmt.Fprintln(stderr, "valid until", time.Now().Add(valid).UTC().Format(time.RFC3339))
	return 0
}
