// Package csharp is porttracker's C# front end: it masks comments and
// literals, finds the types (classes, structs, records, interfaces, with
// their namespaces and nesting) and members of a C# source, the member a
// symbol names (see package symbol) with its body, and which methods carry
// a test attribute ([Fact], [Theory], [Test], [TestMethod],
// [DataTestMethod] and the like). The gates judge bodies with it (through
// them the hooks and audit), and the inventory suggests target symbols from
// its listing, so that the two agree. It imports no porttracker package
// but symbol.
package csharp
