package ledger

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/BurntSushi/toml"
)

// FormatVersion is the entry format this package writes and reads.
const FormatVersion = 1

// EntryKind says what an entry records.
type EntryKind string

// The kinds of entry.
const (
	// KindGenesis is the first entry: it names the first signer.
	KindGenesis EntryKind = "genesis"
	// KindInventory defines or remaps items and batches.
	KindInventory EntryKind = "inventory"
	// KindTransition moves items from one status to another.
	KindTransition EntryKind = "transition"
	// KindBatch starts or completes a batch.
	KindBatch EntryKind = "batch"
	// KindCheckpoint records the checkpoint gates' evidence at a code commit.
	KindCheckpoint EntryKind = "checkpoint"
	// KindSigner adds or revokes a signer.
	KindSigner EntryKind = "signer"
	// KindPlan records a batch's plan: its tasks, in the plan's order.
	KindPlan EntryKind = "plan"
	// KindTask starts or completes one task of a batch's plan.
	KindTask EntryKind = "task"
	// KindBaseline records the build and the full suite as they stand.
	KindBaseline EntryKind = "baseline"
	// KindRed records that a feature's focused tests fail before its
	// implementation.
	KindRed EntryKind = "red"
)

// Actions of batch and signer entries.
const (
	ActionStart    = "start"
	ActionComplete = "complete"
	ActionAdd      = "add"
	ActionRevoke   = "revoke"
)

// Entry is the signed payload of one ledger entry file. Fields that do not
// apply to an entry's kind are left empty and are not written.
type Entry struct {
	Version int       `toml:"version"`
	Kind    EntryKind `toml:"kind"`
	// Signer is the signer's identity, as in an allowed-signers line.
	Signer string    `toml:"signer"`
	Time   time.Time `toml:"time"`
	// Clock is a Lamport clock: one more than the largest clock of the
	// ledger the entry was written on. Replay orders entries by (Clock, ID),
	// which respects causality and does not depend on merge order.
	Clock   uint64 `toml:"clock"`
	Summary string `toml:"summary,omitempty"`

	// Genesis and signer entries: the identity and its public key
	// ("ssh-ed25519 AAAA..."); Action is add or revoke for signer entries,
	// start or complete for batch entries.
	Identity string `toml:"identity,omitempty"`
	Key      string `toml:"key,omitempty"`
	Action   string `toml:"action,omitempty"`
	Batch    int    `toml:"batch,omitzero"`

	// Transition entries.
	ItemKind Kind   `toml:"item_kind,omitempty"`
	Reason   string `toml:"reason,omitempty"`
	// Checkpoint is the ID of the checkpoint entry that a move to verified
	// relies on.
	Checkpoint string `toml:"checkpoint,omitempty"`
	// Baseline is the ID of the baseline entry that a move to complete in
	// a batch with tasks relies on.
	Baseline string `toml:"baseline,omitempty"`
	Moves    []Move `toml:"move,omitempty"`

	// Inventory entries.
	Source   string     `toml:"source,omitempty"`
	Features []ItemDef  `toml:"feature,omitempty"`
	Tests    []ItemDef  `toml:"test,omitempty"`
	Batches  []BatchDef `toml:"batch_def,omitempty"`

	// The payloads of plan, task, baseline and red entries (plan.go,
	// task.go, baseline.go, red.go).
	Plan        *PlanPayload     `toml:"plan,omitempty"`
	Task        *TaskPayload     `toml:"task,omitempty"`
	BaselineRun *BaselinePayload `toml:"baseline_run,omitempty"`
	Red         *RedPayload      `toml:"red,omitempty"`

	// Evidence of the gates, for promotions, checkpoints, baselines and red
	// runs.
	Evidence *Evidence `toml:"evidence,omitempty"`

	// Policy entries.
	Policy *Policy `toml:"policy,omitempty"`

	// Resolution entries (resolution.go).
	Resolution *ResolutionPayload `toml:"resolution,omitempty"`
}

// signatureHeader starts the signature table, the last thing in the file.
const (
	signatureHeader = "[signature]\n"
	sigOpen         = "sshsig = \"\"\"\n"
	sigClose        = "\"\"\"\n"
)

// payloadHeader is the comment that starts every entry file.
const payloadHeader = "# porttracker ledger entry; the [signature] table signs every byte above it.\n"

// encodeTOML writes v with the TOML encoder.
func encodeTOML(buf *bytes.Buffer, v *Entry) error {
	if err := toml.NewEncoder(buf).Encode(v); err != nil {
		return fmt.Errorf("encode entry: %w", err)
	}
	return nil
}

// EncodePayload returns the bytes that are signed: the entry as TOML.
// An inventory entry's definitions are written by appendDefs, byte for byte
// as the TOML encoder writes them, and faster.
func (e *Entry) EncodePayload() ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(512 + 256*(len(e.Features)+len(e.Tests)) + 80*len(e.Batches))
	buf.WriteString(payloadHeader)
	encode := encodeTOML
	if e.inventoryOnly() {
		encode = encodeInventory
	}
	if err := encode(&buf, e); err != nil {
		return nil, err
	}
	if !bytes.HasSuffix(buf.Bytes(), []byte("\n")) {
		buf.WriteByte('\n')
	}
	return buf.Bytes(), nil
}

// EntryID is the ID of an entry: the first 40 hex digits of the SHA-256 of
// its payload. An entry file is stored under a path derived from its ID, so
// an edited payload no longer matches its name.
func EntryID(payload []byte) string {
	sum := sha256.Sum256(payload)
	return hex.EncodeToString(sum[:])[:40]
}

// AssembleFile returns the entry file: the payload followed by the
// signature table that holds the armored SSH signature.
func AssembleFile(payload, armored []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(payload) + len(armored) + 64)
	buf.Write(payload)
	buf.WriteString(signatureHeader)
	buf.WriteString(sigOpen)
	buf.Write(armored)
	if !bytes.HasSuffix(armored, []byte("\n")) {
		buf.WriteByte('\n')
	}
	buf.WriteString(sigClose)
	return buf.Bytes()
}

// ErrMalformed is wrapped by every error of SplitFile and DecodeEntry.
var ErrMalformed = errors.New("malformed entry")

// SplitFile cuts an entry file into its payload and its armored signature.
// The signature table must be the last thing in the file, exactly as
// AssembleFile writes it.
func SplitFile(file []byte) (payload, armored []byte, err error) {
	i := bytes.LastIndex(file, []byte("\n"+signatureHeader))
	if i < 0 {
		return nil, nil, fmt.Errorf("%w: no [signature] table at the end", ErrMalformed)
	}
	payload = file[:i+1]
	rest := file[i+1+len(signatureHeader):]
	body, ok := bytes.CutPrefix(rest, []byte(sigOpen))
	if !ok {
		return nil, nil, fmt.Errorf("%w: [signature] must hold only sshsig = \"\"\"", ErrMalformed)
	}
	body, ok = bytes.CutSuffix(body, []byte(sigClose))
	if !ok || bytes.Contains(body, []byte(`"""`)) {
		return nil, nil, fmt.Errorf("%w: the signature must end the file with \"\"\"", ErrMalformed)
	}
	if !bytes.HasPrefix(body, []byte("-----BEGIN SSH SIGNATURE-----\n")) ||
		!bytes.HasSuffix(body, []byte("-----END SSH SIGNATURE-----\n")) {
		return nil, nil, fmt.Errorf("%w: sshsig is not an armored SSH signature", ErrMalformed)
	}
	return payload, body, nil
}

// DecodePayload parses a signed payload strictly: unknown keys, a wrong
// version and missing required fields are errors. An inventory entry's
// definitions are read by DecodeDefs, as go-toml reads them, and faster.
func DecodePayload(payload []byte) (*Entry, error) {
	var e Entry
	if !decodeInventoryPayload(payload, &e) {
		if err := DecodeTOML(payload, &e); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
	}
	if e.Version != FormatVersion {
		return nil, fmt.Errorf("%w: format version %d (this porttracker reads %d; upgrade it)", ErrMalformed, e.Version, FormatVersion)
	}
	if e.Signer == "" {
		return nil, fmt.Errorf("%w: no signer", ErrMalformed)
	}
	if e.Clock == 0 {
		return nil, fmt.Errorf("%w: no clock", ErrMalformed)
	}
	switch e.Kind {
	case KindGenesis, KindInventory, KindTransition, KindBatch, KindCheckpoint, KindSigner,
		KindPlan, KindTask, KindBaseline, KindRed, KindPolicy, KindResolution:
	default:
		return nil, fmt.Errorf("%w: unknown kind %q", ErrMalformed, e.Kind)
	}
	return &e, nil
}

// Record is an entry as read from the ledger: its decoded payload, the
// exact bytes that were signed, and where it came from.
type Record struct {
	ID      string
	Entry   *Entry
	Payload []byte
	Armored []byte
	// Commit is the ledger commit that added the entry, when known.
	Commit string
	// SigKey is the public key that made the signature, set by Verify.
	SigKey string
	// Warnings are what went wrong after a new entry was written (its
	// branch moved): housekeeping that did not happen.
	Warnings []string
}

// ParseRecord splits and decodes an entry file stored at path. It checks
// that the path is the one the payload's ID gives; the signature is checked
// by Verify.
func ParseRecord(path string, file []byte) (*Record, error) {
	payload, armored, err := SplitFile(file)
	if err != nil {
		return nil, err
	}
	id := EntryID(payload)
	if want := EntryPath(id); path != "" && path != want {
		return nil, fmt.Errorf("%w: content does not match its name (edited after signing? its content belongs at %s)", ErrMalformed, want)
	}
	e, err := DecodePayload(payload)
	if err != nil {
		return nil, err
	}
	return &Record{ID: id, Entry: e, Payload: payload, Armored: armored}, nil
}

// Position is the record's place in the replay order: by clock, then by ID.
func (r *Record) Position() Position { return Position{Clock: r.Entry.Clock, ID: r.ID} }
