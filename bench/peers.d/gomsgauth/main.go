// bench/peers driver for go-msgauth (Debian golang-github-emersion-go-msgauth-dev): verifies every
// DKIM signature of every message of a shard of MESSAGES with TXT answers from the local NSD,
// memoized. Prints one line per message: index TAB per-signature results, header order.
package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-msgauth/dkim"
)

type entry struct {
	once sync.Once
	txt  []string
	err  error
}

func main() {
	path, port := os.Args[1], os.Args[2]
	shard, _ := strconv.Atoi(os.Args[3])
	nshards, _ := strconv.Atoi(os.Args[4])
	res := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		d := net.Dialer{Timeout: 5 * time.Second}
		return d.DialContext(ctx, network, "127.0.0.1:"+port)
	}}
	var memo sync.Map
	lookup := func(name string) ([]string, error) {
		v, _ := memo.LoadOrStore(strings.ToLower(name), &entry{})
		e := v.(*entry)
		e.once.Do(func() { e.txt, e.err = res.LookupTXT(context.Background(), name) })
		return e.txt, e.err
	}
	opts := &dkim.VerifyOptions{LookupTXT: lookup}

	// Stream the records: holding the whole corpus would add its size to this process's RSS.
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	in := bufio.NewReaderSize(f, 1<<20)
	w := bufio.NewWriterSize(os.Stdout, 1<<16)
	defer w.Flush()
	for index := 0; ; index++ {
		line, err := in.ReadString('\n')
		if err != nil {
			break
		}
		n, _ := strconv.Atoi(strings.TrimSpace(line))
		if index%nshards != shard {
			if _, err := in.Discard(n); err != nil {
				break
			}
			continue
		}
		msg := make([]byte, n)
		if _, err := io.ReadFull(in, msg); err != nil {
			break
		}
		verifs, err := dkim.VerifyWithOptions(bytes.NewReader(msg), opts)
		results := make([]string, 0, len(verifs))
		for _, v := range verifs {
			switch {
			case v.Err == nil:
				results = append(results, "pass")
			case dkim.IsTempFail(v.Err):
				results = append(results, "temperror")
			case dkim.IsPermFail(v.Err):
				results = append(results, "permerror")
			default:
				results = append(results, "fail")
			}
		}
		if err != nil && len(verifs) == 0 {
			results = append(results, "error")
		}
		fmt.Fprintf(w, "%d\t%s\n", index, strings.Join(results, ","))
	}
}
