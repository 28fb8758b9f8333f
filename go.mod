module github.com/porttracker/porttracker

go 1.26
