// Command pstest-server runs Google's official in-process Pub/Sub fake (cloud.google.com/go/pubsub/v2/pstest) as a
// standalone gRPC server for the pubSub EventSource's tests. It prints "listening <grpc host:port> <stats host:port>";
// the stats address answers GET /acked?topic=projects/P/topics/T with how many messages published to that topic were
// acknowledged, which the Pub/Sub API itself does not tell.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"cloud.google.com/go/pubsub/v2/pstest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "host:port of the Pub/Sub gRPC API (port 0: a free one)")
	statsAddr := flag.String("stats-addr", "127.0.0.1:0", "host:port of the stats endpoint")
	flag.Parse()
	srv := pstest.NewServerWithAddress(*addr)
	ln, err := net.Listen("tcp", *statsAddr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	http.HandleFunc("/acked", func(w http.ResponseWriter, r *http.Request) {
		topic := r.URL.Query().Get("topic")
		n := 0
		for _, m := range srv.Messages() {
			if m.Topic == topic && m.Acks > 0 {
				n++
			}
		}
		fmt.Fprintf(w, "%d", n)
	})
	go func() { _ = http.Serve(ln, nil) }()
	fmt.Printf("listening %s %s\n", srv.Addr, ln.Addr())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	_ = srv.Close()
}
