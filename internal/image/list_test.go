package image

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/image/debian"
	"github.com/labdojo/labdojo/internal/runtime"
)

type fakeLister struct {
	images     []runtime.ImageInfo
	containers []runtime.ContainerInfo
	removed    []string
}

func (f *fakeLister) ListImages(_ context.Context, labels map[string]string) ([]runtime.ImageInfo, error) {
	var out []runtime.ImageInfo
	for _, im := range f.images {
		if im.Labels["io.labdojo.image"] == labels["io.labdojo.image"] {
			out = append(out, im)
		}
	}
	return out, nil
}

func (f *fakeLister) ListContainers(_ context.Context, labels map[string]string) ([]runtime.ContainerInfo, error) {
	var out []runtime.ContainerInfo
	for _, c := range f.containers {
		ok := true
		for k, v := range labels {
			if have, set := c.Labels[k]; !set || (v != "" && have != v) {
				ok = false
			}
		}
		if ok {
			out = append(out, c)
		}
	}
	return out, nil
}

func (f *fakeLister) RemoveImage(_ context.Context, ref string) error {
	f.removed = append(f.removed, ref)
	return nil
}

func TestListAndPrune(t *testing.T) {
	node := map[string]string{"io.labdojo.image": "node", LabelRecipe: RecipeHash()}
	variant := map[string]string{"io.labdojo.image": "node", LabelRecipe: RecipeHash(), LabelPackages: "postgresql",
		"io.labdojo.image-build": DefaultRef()}
	now := time.Now()
	f := &fakeLister{
		images: []runtime.ImageInfo{
			{ID: "sha256:aaa", Tags: []string{DefaultRef()}, Labels: node, Created: now},
			{ID: "sha256:bbb", Tags: []string{Repository + ":0123456789ab"}, Labels: variant, Created: now.Add(-time.Hour)},
			{ID: "sha256:ccc", Tags: []string{Repository + ":old000000000"}, Labels: map[string]string{"io.labdojo.image": "node"}, Created: now.Add(-2 * time.Hour)},
			// Built FROM a node image by someone else: inherits the label.
			{ID: "sha256:ddd", Tags: []string{"someone/derived:1"}, Labels: node, Created: now},
			{ID: "sha256:eee", Tags: []string{Repository + "-build:stage1-x"}, Labels: map[string]string{"io.labdojo.image": "build"}, Created: now},
			{ID: "sha256:eef", Tags: []string{Repository + "-build:variant-y"}, Labels: map[string]string{"io.labdojo.image": "build"}, Created: now.Add(-time.Minute)},
			// Replaced by forced rebuilds: untagged, one still in use.
			{ID: "sha256:fff000000000aaaa", Labels: node, Created: now.Add(-3 * time.Hour)},
			{ID: "sha256:999000000000aaaa", Labels: node, Created: now.Add(-4 * time.Hour)},
		},
		containers: []runtime.ContainerInfo{
			// An instance container from the variant inherits its labels.
			{Image: Repository + ":0123456789ab", Labels: map[string]string{runtime.LabelTool: runtime.ToolName, runtime.LabelInstance: "lab1",
				"io.labdojo.image-build": DefaultRef()}},
			{Image: "sha256:999000000000aaaa", Labels: map[string]string{runtime.LabelTool: runtime.ToolName, runtime.LabelInstance: "old"}},
		},
	}
	list, err := List(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, in := range list {
		got = append(got, in.Ref+" "+strings.Join(in.Packages, ",")+" "+strings.Join(in.UsedBy, ","))
		if in.Ref == Repository+"-build:stage1-x" && (!in.Stage1 || in.Build) || in.Ref == Repository+"-build:variant-y" && (in.Stage1 || !in.Build) {
			t.Errorf("%s: stage1 %v, build %v", in.Ref, in.Stage1, in.Build)
		}
	}
	want := []string{
		Repository + "-build:stage1-x  ",
		DefaultRef() + "  ",
		Repository + "-build:variant-y  ",
		Repository + ":0123456789ab postgresql lab1",
		Repository + ":old000000000  ",
		"fff000000000  ",
		"999000000000  old",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("list:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	removed, err := Prune(context.Background(), f, false, false)
	if err != nil || len(removed) != 4 || strings.Join(f.removed, " ") != Repository+"-build:stage1-x "+Repository+"-build:variant-y "+Repository+":old000000000 fff000000000" {
		t.Fatalf("prune removed %v (%v)", f.removed, err)
	}
}

func TestStage1Ref(t *testing.T) {
	a := &debian.Package{Name: "a", Version: "1", SHA256: "aa"}
	b := &debian.Package{Name: "b", Version: "2", SHA256: "bb"}
	ref := Stage1Ref([]*debian.Package{a, b}, "http://m/debian")
	if !strings.HasPrefix(ref, Repository+"-build:stage1-") {
		t.Fatalf("ref %s", ref)
	}
	if Stage1Ref([]*debian.Package{b, a}, "http://m/debian") != ref {
		t.Error("the order of the packages changed the stage-1 ref")
	}
	b2 := *b
	b2.SHA256 = "bc"
	for name, other := range map[string]string{
		"mirror":  Stage1Ref([]*debian.Package{a, b}, "http://other/debian"),
		"hash":    Stage1Ref([]*debian.Package{a, &b2}, "http://m/debian"),
		"package": Stage1Ref([]*debian.Package{a}, "http://m/debian"),
	} {
		if other == ref {
			t.Errorf("another %s gives the same stage-1 ref", name)
		}
	}
}
