package oidc

import (
	"context"
	"html/template"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"
)

// callbackPath is the loopback redirect URI's path.
const callbackPath = "/callback"

// pageCSP lets the callback page use its inline style and nothing else.
const pageCSP = "default-src 'none'; style-src 'unsafe-inline'"

// callback is the browser's request to the loopback address.
type callback struct {
	query url.Values
	// result takes Run's verdict (buffered, 1) so the page can say whether
	// the sign-in worked, not merely that the browser came back.
	result chan<- bool
}

// loopback is the one-shot HTTP server on 127.0.0.1 that receives the
// provider's redirect (RFC 8252 section 7.3).
type loopback struct {
	srv    *http.Server
	port   int
	host   string        // "127.0.0.1:PORT": the Host header a real redirect carries
	got    chan callback // unbuffered: a callback is handed to Run or not at all
	stop   chan struct{} // closed when Run stops listening
	served chan struct{} // closed when Serve has returned
	taken  atomic.Bool   // the first /callback request has arrived
	page   func() CallbackPage
}

// listenLoopback listens on a random port of the IPv4 loopback literal:
// "localhost" might resolve elsewhere or to ::1, which providers would not
// match against the redirect URI.
func listenLoopback(page func() CallbackPage) (*loopback, error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	l := &loopback{
		port: port, host: "127.0.0.1:" + strconv.Itoa(port), page: page,
		got: make(chan callback), stop: make(chan struct{}), served: make(chan struct{}),
	}
	l.srv = &http.Server{
		Handler:           l,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0), // stray connections are not worth a log line
	}
	go func() {
		defer close(l.served)
		_ = l.srv.Serve(ln)
	}()
	return l, nil
}

func (l *loopback) redirectURI() string { return "http://" + l.host + callbackPath }

// ServeHTTP answers the first GET /callback and turns everything else away.
func (l *loopback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// A Host other than our literal address means DNS rebinding or a
	// confused client: not a redirect from the provider.
	if r.URL.Path != callbackPath || r.Host != l.host {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if !l.taken.CompareAndSwap(false, true) {
		http.NotFound(w, r) // only the first callback counts
		return
	}
	ok := false
	result := make(chan bool, 1)
	select {
	case l.got <- callback{query: r.URL.Query(), result: result}:
		select {
		case ok = <-result:
		case <-l.stop:
		}
	case <-l.stop: // Run gave up (timeout, cancel) before the browser came back
	}
	l.render(w, ok)
}

// close stops listening and waits until the server is gone, so that Run
// leaves no goroutine or open port behind. Shutdown lets the handler finish
// writing the page first.
func (l *loopback) close() {
	close(l.stop)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := l.srv.Shutdown(ctx); err != nil {
		_ = l.srv.Close() // a client holding a connection open
	}
	<-l.served
}

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}" dir="{{.Dir}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
:root { color-scheme: light dark; }
body { font-family: system-ui, sans-serif; margin: 0; min-height: 100vh; display: grid; place-items: center; }
main { max-inline-size: 32rem; padding-inline: 1.5rem; text-align: center; }
h1 { font-size: 1.4rem; font-weight: 600; }
p { font-size: 1rem; line-height: 1.5; }
</style>
</head>
<body><main><h1>{{.Title}}</h1><p>{{.Text}}</p></main></body>
</html>
`))

// render writes the self-contained page that ends the browser's part.
func (l *loopback) render(w http.ResponseWriter, ok bool) {
	p := defaultPage
	if l.page != nil {
		p = l.page()
	}
	text := p.FailureText
	if ok {
		text = p.SuccessText
	}
	dir := "ltr"
	if p.Dir == "rtl" {
		dir = "rtl"
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	_ = pageTemplate.Execute(w, struct{ Lang, Dir, Title, Text string }{p.Lang, dir, p.Title, text})
}

// defaultPage is used when the caller gives no localized text.
var defaultPage = CallbackPage{
	Lang: "en", Dir: "ltr", Title: "Admin Console",
	SuccessText: "You are signed in. You can close this tab and return to Admin Console.",
	FailureText: "Sign-in did not complete. Return to Admin Console to see why.",
}
