// An independent check of a medportal audit log export in Go, sharing no code with the Rust
// verifier: Go's golang.org/x/mod/sumdb/note opens every checkpoint with the published key,
// sumdb/tlog computes every checkpoint's tree root from the leaf hashes, and the canonical
// entry encoding, written here from the medportal-transparency documentation, gives each
// entry's leaf hash. It panics at the first difference.
//
// Run (Debian's packages golang-go and golang-golang-x-mod-dev, no module download):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run tools/audit-verify/interop/check.go EXPORT KEYFILE
//
// KEYFILE holds the log's vkey (medportal-audit-demo writes export.jsonl and keys.txt).
package main

import (
	"bufio"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type personal struct {
	Name, Commitment string
}
type entry struct {
	Seq                              uint64
	Time, Actor, Role, Action        string
	Object, Version                  *string
	Outcome                          string
	Reason, Meaning, Origin, Subject *string
	Personal                         []personal
	Leaf                             string
}

func str(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}
func opt(b []byte, s *string) []byte {
	if s == nil {
		return append(b, 0)
	}
	return str(append(b, 1), *s)
}
func canonical(e entry) []byte {
	b := []byte{1}
	b = binary.BigEndian.AppendUint64(b, e.Seq)
	b = str(b, e.Time)
	b = str(b, e.Actor)
	b = str(b, e.Role)
	b = str(b, e.Action)
	b = opt(b, e.Object)
	b = opt(b, e.Version)
	if e.Outcome == "success" {
		b = append(b, 0)
	} else {
		b = append(b, 1)
	}
	b = opt(b, e.Reason)
	b = opt(b, e.Meaning)
	if e.Origin == nil {
		b = append(b, 0)
	} else {
		h, _ := hex.DecodeString(*e.Origin)
		b = append(append(b, 1), h...)
	}
	b = opt(b, e.Subject)
	b = binary.BigEndian.AppendUint32(b, uint32(len(e.Personal)))
	for _, p := range e.Personal {
		h, _ := hex.DecodeString(p.Commitment)
		b = append(str(b, p.Name), h...)
	}
	return b
}

type mem map[int64]tlog.Hash

func (m mem) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		out[i] = m[x]
	}
	return out, nil
}

func main() {
	vkey, _ := os.ReadFile(os.Args[2])
	v, err := note.NewVerifier(strings.TrimSpace(string(vkey)))
	if err != nil {
		panic(err)
	}
	f, _ := os.Open(os.Args[1])
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	stored := mem{}
	var n int64
	checkpoints := 0
	for sc.Scan() {
		var line map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			panic(err)
		}
		if raw, ok := line["entry"]; ok {
			var e entry
			if err := json.Unmarshal(raw, &e); err != nil {
				panic(err)
			}
			leaf := tlog.RecordHash(canonical(e))
			if hex.EncodeToString(leaf[:]) != e.Leaf {
				panic(fmt.Sprintf("entry %d: leaf differs", e.Seq))
			}
			hs, err := tlog.StoredHashesForRecordHash(n, leaf, stored)
			if err != nil {
				panic(err)
			}
			base := tlog.StoredHashIndex(0, n)
			for i, h := range hs {
				stored[base+int64(i)] = h
			}
			n++
		}
		if raw, ok := line["checkpoint"]; ok {
			var msg string
			json.Unmarshal(raw, &msg)
			nt, err := note.Open([]byte(msg), note.VerifierList(v))
			if err != nil {
				panic(err)
			}
			lines := strings.Split(nt.Text, "\n")
			size, _ := strconv.ParseInt(lines[1], 10, 64)
			root, _ := base64.StdEncoding.DecodeString(lines[2])
			th, err := tlog.TreeHash(size, stored)
			if err != nil {
				panic(err)
			}
			if size != n || string(th[:]) != string(root) {
				panic(fmt.Sprintf("checkpoint %d: root differs", size))
			}
			checkpoints++
		}
	}
	fmt.Printf("Go: %d entries re-encoded to their leaf hashes, %d checkpoints opened by note.Open, roots equal to tlog.TreeHash\n", n, checkpoints)
}
