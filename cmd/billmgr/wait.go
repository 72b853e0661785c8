package main

import (
	"context"
	"fmt"
	"io"
	"net/http/httptrace"
	"sync"
	"time"

	"github.com/spf13/cobra"
)

// A request that goes unanswered for waitNotice makes the command say, on a terminal's
// stderr, what it waits for: the function, the server, for how long, and when --timeout
// ends it. A server that hangs then does not look like a command that hangs. The line is
// redrawn every second and cleared when the reply starts or the command ends; scripts,
// whose stderr is no terminal, see nothing.
const waitNotice = 3 * time.Second

// funcArgument, as the function of a command (calls), stands for its first argument.
const funcArgument = "FUNC"

// waitingFor starts the notice for command cmd with arguments args, when stderr is a
// terminal and cmd calls the API, and returns the context for its requests.
func (a *app) waitingFor(ctx context.Context, cmd *cobra.Command, args []string) context.Context {
	fns := cmd.Annotations[funcAnnotation]
	if fns == funcArgument && len(args) > 0 {
		fns = args[0]
	}
	if fns == "" || fns == funcArgument || !a.stderrTerminal {
		return ctx
	}
	stderr := &lockedWriter{w: a.stderr}
	a.stderr = stderr
	w := &waiter{w: stderr, fns: fns, timeout: a.g.timeout, after: a.waitAfter, stop: make(chan struct{}), done: make(chan struct{})}
	if deadline, ok := ctx.Deadline(); ok && a.g.timeout > 0 {
		w.deadline = deadline
	}
	a.waiter = w
	go w.run(min(time.Second, a.waitAfter))
	return httptrace.WithClientTrace(ctx, w.trace())
}

// waiter draws the notice of a command's requests in flight.
type waiter struct {
	w        *lockedWriter
	fns      string        // the API functions of the command
	timeout  time.Duration // --timeout
	deadline time.Time     // when --timeout ends the command; zero for never
	after    time.Duration // waitNotice

	mu    sync.Mutex
	doing string    // "connecting to", …: what the request in flight does
	host  string    // host:port
	since time.Time // when the wait for a reply began; zero when none is awaited
	shown bool      // the line is on the terminal

	stop, done chan struct{}
}

// trace follows the requests of the command: a wait begins with a connection and ends
// with the first byte of the reply; the retries of a call continue the same wait.
func (w *waiter) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GetConn:           func(hostPort string) { w.set("connecting to", hostPort) },
		TLSHandshakeStart: func() { w.set("in the TLS handshake with", "") },
		GotConn:           func(httptrace.GotConnInfo) { w.set("no reply from", "") },
		GotFirstResponseByte: func() {
			w.mu.Lock()
			w.since = time.Time{}
			w.mu.Unlock()
		},
	}
}

// set records what the request in flight does, with host (or the last one).
func (w *waiter) set(doing, host string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.doing = doing
	if host != "" {
		w.host = host
	}
	if w.since.IsZero() {
		w.since = time.Now()
	}
}

// run redraws the line every tick until finish.
func (w *waiter) run(tick time.Duration) {
	defer close(w.done)
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			w.draw("")
			return
		case now := <-t.C:
			w.draw(w.line(now))
		}
	}
}

// line is the notice at now, or "" when no request has waited long enough.
func (w *waiter) line(now time.Time) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.since.IsZero() || now.Sub(w.since) < w.after {
		return ""
	}
	s := fmt.Sprintf("waiting for %s: %s %s for %v", w.fns, w.doing, w.host, now.Sub(w.since).Round(time.Second))
	if w.deadline.IsZero() {
		return s + "; no --timeout, Ctrl-C stops it"
	}
	return s + fmt.Sprintf("; --timeout %v ends the command in %v", w.timeout, w.deadline.Sub(now).Round(time.Second))
}

// draw puts line on the terminal in place of the last one, or clears it for "".
func (w *waiter) draw(line string) {
	if line == "" && !w.shown {
		return
	}
	w.shown = line != ""
	fmt.Fprintf(w.w, "\r%s\033[K", line)
}

// finish stops the notice and clears its line.
func (w *waiter) finish() {
	close(w.stop)
	<-w.done
}

// lockedWriter serializes the writes of the notice and of the command to stderr.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
