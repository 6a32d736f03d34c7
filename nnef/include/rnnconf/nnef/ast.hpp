// The NNEF text AST: plain value types for a whole document (version,
// extensions, fragment definitions, graph) and every expression form of the
// NNEF 1.0 grammar with KHR_enable_operator_expressions, plus tract's
// extensions. Every node keeps the SourcePos where it starts.
//
// Equality (operator==) compares structure and values and IGNORES positions
// (SourcePos always compares equal), so parse(print(doc)) == doc is testable.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace rnnconf::nnef {

// 1-based line and column of the first character of a node.
struct SourcePos {
  int line = 0;
  int column = 0;
  // Positions never take part in AST equality.
  friend bool operator==(const SourcePos&, const SourcePos&) { return true; }
};

// A heap-allocated value with deep copy and deep equality: lets recursive
// AST nodes stay plain values.
template <class T>
class Box {
 public:
  Box() : ptr_(std::make_unique<T>()) {}
  Box(T value) : ptr_(std::make_unique<T>(std::move(value))) {}  // NOLINT: implicit by design
  Box(const Box& other) : ptr_(std::make_unique<T>(*other.ptr_)) {}
  Box(Box&&) noexcept = default;
  Box& operator=(const Box& other) {
    if (this != &other) ptr_ = std::make_unique<T>(*other.ptr_);
    return *this;
  }
  Box& operator=(Box&&) noexcept = default;
  ~Box() = default;

  T& operator*() { return *ptr_; }
  const T& operator*() const { return *ptr_; }
  T* operator->() { return ptr_.get(); }
  const T* operator->() const { return ptr_.get(); }
  friend bool operator==(const Box& a, const Box& b) { return *a.ptr_ == *b.ptr_; }

 private:
  std::unique_ptr<T> ptr_;  // never null (moved-from boxes excepted)
};

// ---- Types ---------------------------------------------------------------

// `integer`, `scalar`, `logical`, `string`, `?` (generic); `none` only as the
// item type of `tensor<>`.
enum class TypeName { integer, scalar, logical, string, generic, none };

struct TypeSpec {
  enum class Kind { name, tensor, tuple };
  Kind kind = Kind::name;
  TypeName name = TypeName::scalar;  // for Kind::name and Kind::tensor
  std::vector<TypeSpec> items;       // for Kind::tuple
  int array_depth = 0;               // number of trailing `[]`
  SourcePos pos;
  friend bool operator==(const TypeSpec&, const TypeSpec&) = default;
};

// ---- Expressions ---------------------------------------------------------

struct Expr;

struct IntegerLiteral {
  int64_t value = 0;
  friend bool operator==(const IntegerLiteral&, const IntegerLiteral&) = default;
};
// `text` is the literal as written (`1e-05`, `1.`, `inf`); `value` its double.
// Equality compares the value (bitwise-equal doubles), not the spelling, so a
// canonically printed `1.` (`1.0`) still equals the original.
struct ScalarLiteral {
  double value = 0.0;
  std::string text;
  friend bool operator==(const ScalarLiteral& a, const ScalarLiteral& b) {
    return a.value == b.value || (a.value != a.value && b.value != b.value);
  }
};
struct StringLiteral {
  std::string value;  // unescaped content, without the quotes
  friend bool operator==(const StringLiteral&, const StringLiteral&) = default;
};
struct LogicalLiteral {
  bool value = false;
  friend bool operator==(const LogicalLiteral&, const LogicalLiteral&) = default;
};
struct Identifier {
  std::string name;  // content of i"..." identifiers is kept unescaped
  friend bool operator==(const Identifier&, const Identifier&) = default;
};
struct ArrayExpr {
  std::vector<Expr> items;
  friend bool operator==(const ArrayExpr&, const ArrayExpr&) = default;
};
struct TupleExpr {  // at least two items; `(a, b)` or the bare `a, b` LHS
  std::vector<Expr> items;
  friend bool operator==(const TupleExpr&, const TupleExpr&) = default;
};
// One argument of an invocation; `name` empty = positional.
struct Argument {
  std::string name;
  Box<Expr> value;
  SourcePos pos;
  friend bool operator==(const Argument&, const Argument&) = default;
};
struct Invocation {
  std::string op;
  std::optional<TypeName> generic_arg;  // op<scalar>(...)
  std::vector<Argument> args;           // in source order
  friend bool operator==(const Invocation&, const Invocation&) = default;
};
// Unary `-`, `+`, `!`.
struct UnaryExpr {
  std::string op;
  Box<Expr> operand;
  friend bool operator==(const UnaryExpr&, const UnaryExpr&) = default;
};
// Binary `+ - * / ^ < <= > >= == != && || in`.
struct BinaryExpr {
  std::string op;
  Box<Expr> lhs;
  Box<Expr> rhs;
  friend bool operator==(const BinaryExpr&, const BinaryExpr&) = default;
};
// `then_value if condition else else_value`
struct ConditionalExpr {
  Box<Expr> condition;
  Box<Expr> then_value;
  Box<Expr> else_value;
  friend bool operator==(const ConditionalExpr&, const ConditionalExpr&) = default;
};
// `base[index]`
struct IndexExpr {
  Box<Expr> base;
  Box<Expr> index;
  friend bool operator==(const IndexExpr&, const IndexExpr&) = default;
};
// `base[begin:end]`, either bound optional.
struct SliceExpr {
  Box<Expr> base;
  std::optional<Box<Expr>> begin;
  std::optional<Box<Expr>> end;
  friend bool operator==(const SliceExpr&, const SliceExpr&) = default;
};
// One `target in range` of a comprehension; target is an Identifier or a
// TupleExpr of Identifiers.
struct ComprehensionIter {
  Box<Expr> target;
  Box<Expr> range;
  friend bool operator==(const ComprehensionIter&, const ComprehensionIter&) = default;
};
// `[for i in a, j in b if cond yield value]`
struct ComprehensionExpr {
  std::vector<ComprehensionIter> iters;
  std::optional<Box<Expr>> condition;
  Box<Expr> yield_value;
  friend bool operator==(const ComprehensionExpr&, const ComprehensionExpr&) = default;
};
// `length_of(x)`, `range_of(x)`, `shape_of(x)` and the casts `integer(x)`,
// `scalar(x)`, `logical(x)`, `string(x)`.
struct BuiltinCall {
  std::string function;
  Box<Expr> arg;
  friend bool operator==(const BuiltinCall&, const BuiltinCall&) = default;
};

struct Expr {
  using Node = std::variant<IntegerLiteral, ScalarLiteral, StringLiteral, LogicalLiteral, Identifier, ArrayExpr,
                            TupleExpr, Invocation, UnaryExpr, BinaryExpr, ConditionalExpr, IndexExpr, SliceExpr,
                            ComprehensionExpr, BuiltinCall>;
  Node node;
  SourcePos pos;
  friend bool operator==(const Expr&, const Expr&) = default;
};

// ---- Statements and top-level items --------------------------------------

// `lvalue = rvalue;` — lvalue is an Identifier, ArrayExpr or TupleExpr of lvalues.
struct Assignment {
  Expr lvalue;
  Expr rvalue;
  SourcePos pos;
  friend bool operator==(const Assignment&, const Assignment&) = default;
};

struct Param {
  std::string name;
  TypeSpec type;
  std::optional<Expr> default_value;
  SourcePos pos;
  friend bool operator==(const Param&, const Param&) = default;
};

struct Result {
  std::string name;
  TypeSpec type;
  SourcePos pos;
  friend bool operator==(const Result&, const Result&) = default;
};

enum class GenericKind { none, plain, with_default };  // none, `<?>`, `<? = type>`

struct Fragment {
  std::string name;
  GenericKind generic = GenericKind::none;
  TypeName generic_default = TypeName::scalar;  // for GenericKind::with_default
  std::vector<Param> params;
  std::vector<Result> results;
  std::optional<std::vector<Assignment>> body;  // nullopt: declaration `...;`
  SourcePos pos;
  friend bool operator==(const Fragment&, const Fragment&) = default;
};

struct NameRef {  // a graph input or output name
  std::string name;
  SourcePos pos;
  friend bool operator==(const NameRef&, const NameRef&) = default;
};

struct Graph {
  std::string name;
  std::vector<NameRef> inputs;
  std::vector<NameRef> outputs;
  std::vector<Assignment> body;
  SourcePos pos;
  friend bool operator==(const Graph&, const Graph&) = default;
};

// `extension KHR_x;` -> {name "KHR_x", text ""};
// tract `extension tract_registry tract_core;` -> {name "tract_registry", text "tract_core"}.
// A Khronos list `extension A, B;` becomes two entries.
struct Extension {
  std::string name;
  std::string text;  // free text after the name, trimmed (tract dialect)
  SourcePos pos;
  friend bool operator==(const Extension&, const Extension&) = default;
};

struct Version {
  int major = 1;
  int minor = 0;
  SourcePos pos;
  friend bool operator==(const Version&, const Version&) = default;
};

struct Document {
  std::optional<Version> version;  // absent only in fragment files
  std::vector<Extension> extensions;
  std::vector<Fragment> fragments;
  std::optional<Graph> graph;  // absent only in fragment files
  friend bool operator==(const Document&, const Document&) = default;
};

// Small helpers used by parser, checker and printer.
const char* type_name_text(TypeName name);
bool has_extension(const Document& doc, const std::string& name);

}  // namespace rnnconf::nnef
