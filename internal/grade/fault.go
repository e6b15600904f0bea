package grade

import (
	"context"
	"errors"
	"fmt"
	"github.com/labdojo/labdojo/internal/shellquote"
	"regexp"
	"strings"
	"time"

	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/scenario"
)

// Fault is a disturbance applied to the lab before a goal's checks and
// undone after them, so a design with a redundant path is graded on
// surviving a failure. Types are scenario.FaultLinkDown and
// scenario.FaultNodeDown.
type Fault struct {
	Type string
	Node string
	// Interface is the data interface for link_down (eth1..ethN).
	Interface string
}

// String describes the fault for results and reports (in English).
func (f Fault) String() string { return f.Text().In(i18n.English) }

// Text describes the fault in every language.
func (f Fault) Text() i18n.Msg {
	switch f.Type {
	case scenario.FaultLinkDown:
		return i18n.M(i18n.MsgFaultLinkDown, f.Interface, f.Node)
	case scenario.FaultNodeDown:
		return i18n.M(i18n.MsgFaultNodeDown, f.Node)
	}
	return i18n.M(i18n.MsgFaultOther, f.Type, f.Node)
}

// Undo reverts one applied fault. Run always calls it once the goal's
// checks end, with a context that survives cancellation of the grading run.
type Undo func(ctx context.Context) error

// Faulter applies faults. Apply must either apply the fault and return its
// Undo, or return an error and leave the lab as it was.
type Faulter interface {
	Apply(ctx context.Context, f Fault) (Undo, error)
}

// UndoTimeout bounds how long undoing one fault may take, also after the
// grading run was cancelled.
const UndoTimeout = 30 * time.Second

// ShellFaulter applies faults with `ip link` on the node itself, through
// the same Runner that runs the probes (in labdojo: the node's root SSH
// session on the management interface eth0, which no fault touches, so
// the node stays gradable and the undo always has a way in). Faults do
// not stop containers: a stopped node would lose the learner's running
// daemons on restart, while a node whose data links are down keeps them.
//
// Before taking links down it saves the node's IPv4 main routing table
// under /run/labdojo-faults; the undo brings the links back up and puts
// back the static routes the kernel dropped with them (connected routes
// return by themselves, routes of routing daemons are relearned).
type ShellFaulter struct {
	Runner Runner
}

var safeIface = regexp.MustCompile(`^eth[1-9][0-9]{0,2}$`)

// Apply implements Faulter.
func (s ShellFaulter) Apply(ctx context.Context, f Fault) (Undo, error) {
	if s.Runner == nil {
		return nil, errors.New("no runner")
	}
	var ifaces string
	switch f.Type {
	case scenario.FaultLinkDown:
		if !safeIface.MatchString(f.Interface) {
			return nil, fmt.Errorf("fault %s: %q is not a data interface", f, f.Interface)
		}
		ifaces = f.Interface
	case scenario.FaultNodeDown:
		ifaces = "" // every data interface, found on the node
	default:
		return nil, fmt.Errorf("unknown fault type %q", f.Type)
	}
	id := strings.ReplaceAll(f.Type+"-"+ifaceOrAll(ifaces), "_", "-")
	out := s.Runner.Run(ctx, f.Node, faultDownScript(id, ifaces))
	if err := scriptErr(out.Err, out.ExitCode, out.Stdout); err != nil {
		return nil, fmt.Errorf("applying fault %s: %w", f, err)
	}
	return func(ctx context.Context) error {
		out := s.Runner.Run(ctx, f.Node, faultUpScript(id))
		if err := scriptErr(out.Err, out.ExitCode, out.Stdout); err != nil {
			return fmt.Errorf("undoing fault %s: %w", f, err)
		}
		return nil
	}, nil
}

func ifaceOrAll(s string) string {
	if s == "" {
		return "all"
	}
	return s
}

func scriptErr(err error, code int, stdout []byte) error {
	if err != nil {
		return err
	}
	if code != 0 {
		msg := strings.TrimSpace(string(stdout))
		if msg == "" {
			msg = "no output"
		}
		return fmt.Errorf("exit %d: %s", code, msg)
	}
	return nil
}

// faultDownScript saves the routes and the list of interfaces it takes
// down, then takes them down. ifaces "" means every ethN but eth0.
func faultDownScript(id, ifaces string) string {
	return `set -u
d=/run/labdojo-faults
mkdir -p "$d" || exit 1
ids=` + shellquote.Quote(ifaces) + `
if [ -z "$ids" ]; then
	for p in /sys/class/net/eth*; do
		i=${p##*/}
		case $i in eth0) ;; eth[1-9]*) ids="$ids $i" ;; esac
	done
fi
for i in $ids; do
	ip link show dev "$i" >/dev/null 2>&1 || { echo "no interface $i on this node"; exit 3; }
done
ip -4 route show table main >"$d/` + id + `.routes" || exit 1
: >"$d/` + id + `.links"
for i in $ids; do
	if ip -o link show dev "$i" | grep -q '[<,]UP[,>]'; then
		echo "$i" >>"$d/` + id + `.links"
		ip link set dev "$i" down || exit 1
	fi
done
`
}

// faultUpScript undoes faultDownScript.
func faultUpScript(id string) string {
	return `set -u
d=/run/labdojo-faults
[ -f "$d/` + id + `.links" ] || exit 0
rc=0
while read -r i; do
	[ -n "$i" ] && { ip link set dev "$i" up || rc=1; }
done <"$d/` + id + `.links"
while read -r line; do
	case " $line " in
	*" proto kernel "*|*" proto bird "*|*" proto ospf "*|*" proto zebra "*|*" proto bgp "*|*" proto ra "*) continue ;;
	esac
	line=$(printf '%s\n' "$line" | sed -e 's/ linkdown//g' -e 's/ dead//g' -e 's/ offload//g')
	# shellcheck disable=SC2086
	ip -4 route replace $line 2>/dev/null || true
done <"$d/` + id + `.routes"
rm -f "$d/` + id + `.links" "$d/` + id + `.routes"
exit $rc
`
}

// applyFaults applies gl's faults in order. On failure it undoes those
// already applied. The returned undo reverts them all in reverse order,
// with a fresh deadline so it runs even when ctx was cancelled.
func (g *grader) applyFaults(ctx context.Context, faults []Fault) (undoAll func() error, err error) {
	f := g.opts.Faulter
	if f == nil {
		f = ShellFaulter{Runner: g.r}
	}
	var undos []Undo
	undoAll = func() error {
		var errs []error
		for i := len(undos) - 1; i >= 0; i-- {
			uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), UndoTimeout)
			errs = append(errs, safeUndo(uctx, undos[i]))
			cancel()
		}
		return errors.Join(errs...)
	}
	for _, ft := range faults {
		u, err := safeApply(ctx, f, ft)
		if err != nil {
			if uerr := undoAll(); uerr != nil {
				err = errors.Join(err, uerr)
			}
			return nil, err
		}
		if u != nil {
			undos = append(undos, u)
		}
	}
	return undoAll, nil
}

func safeApply(ctx context.Context, f Faulter, ft Fault) (u Undo, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("applying fault %s panicked: %v", ft, p)
		}
	}()
	return f.Apply(ctx, ft)
}

func safeUndo(ctx context.Context, u Undo) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("undoing a fault panicked: %v", p)
		}
	}()
	return u(ctx)
}

// faultNames describes faults for a GoalResult, in English and in every
// language.
func faultNames(fs []Fault) ([]string, []i18n.Localizer) {
	var out []string
	var texts []i18n.Localizer
	for _, f := range fs {
		out = append(out, f.String())
		texts = append(texts, f.Text())
	}
	return out, texts
}
