package oidc

import (
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// RelayPath is where cmd/oidc-relay receives Apple's answer.
const RelayPath = "/apple/callback"

// relayParams are the only parameters the relay passes on: the code and
// state, Apple's first-sign-in "user" JSON (the name; Apple's ID token has
// none) and a refusal's "error".
var relayParams = []string{"code", "state", "user", "error"}

// maxRelayBody bounds the form Apple posts (a code, a state, a small JSON).
const maxRelayBody = 64 << 10

// NewRelay returns the HTTP handler of cmd/oidc-relay: it takes Apple's
// form_post (or a GET) on RelayPath, reads the app's loopback port from the
// state ("<port>.<random>") and answers with a 303 redirect to
// http://127.0.0.1:<port>/callback with the same parameters, which the
// person's browser then follows to the app. The relay holds no secret and
// keeps nothing; it never logs the code, the state or the user JSON.
func NewRelay(log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		relay(log, w, r)
	})
}

func relay(log *slog.Logger, w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != RelayPath {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxRelayBody)
	if err := r.ParseForm(); err != nil {
		log.Warn("relay: unreadable request", "method", r.Method)
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	port, ok := StatePort(r.Form.Get("state"))
	if !ok {
		log.Warn("relay: state without a loopback port", "method", r.Method)
		http.Error(w, "bad request: state does not name a port", http.StatusBadRequest)
		return
	}
	q := url.Values{}
	for _, k := range relayParams {
		if v := r.Form.Get(k); v != "" {
			q.Set(k, v)
		}
	}
	log.Info("relay: forwarding", "method", r.Method, "port", port, "refused", r.Form.Get("error") != "")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, "http://127.0.0.1:"+strconv.Itoa(port)+callbackPath+"?"+q.Encode(), http.StatusSeeOther)
}

// StatePort reads the loopback port from a state "<port>.<random>": digits
// only, no leading zero, 1024-65535, and a non-empty random part.
func StatePort(state string) (int, bool) {
	p, rest, ok := strings.Cut(state, ".")
	if !ok || rest == "" || len(p) < 4 || len(p) > 5 || p[0] == '0' {
		return 0, false
	}
	for _, c := range p {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 1024 || n > 65535 {
		return 0, false
	}
	return n, true
}
