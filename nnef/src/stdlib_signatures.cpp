// Declarations of the standard operations (spec §3, Khronos stdlib) and of
// the tract_core operations seen in RNN exports (spec §5), as NNEF text
// parsed once into immutable documents.

#include "rnnconf/nnef/check.hpp"
#include "rnnconf/nnef/parser.hpp"

namespace rnnconf::nnef {

namespace {

constexpr const char* kKhronosOperations = R"NNEF(
fragment external<? = scalar>( shape: integer[] ) -> ( output: tensor<?> );
fragment variable<? = scalar>( shape: integer[], label: string ) -> ( output: tensor<?> );
fragment constant<? = scalar>( shape: integer[], value: ?[] ) -> ( output: tensor<?> );
fragment update<?>( variable: tensor<?>, value: tensor<?> ) -> ( result: tensor<?> );
fragment copy<?>( x: tensor<?> ) -> ( y: tensor<?> );
fragment add( x: tensor<scalar>, y: tensor<scalar> ) -> ( z: tensor<scalar> );
fragment sub( x: tensor<scalar>, y: tensor<scalar> ) -> ( z: tensor<scalar> );
fragment mul( x: tensor<scalar>, y: tensor<scalar> ) -> ( z: tensor<scalar> );
fragment div( x: tensor<scalar>, y: tensor<scalar> ) -> ( z: tensor<scalar> );
fragment pow( x: tensor<scalar>, y: tensor<scalar> ) -> ( z: tensor<scalar> );
fragment min( x: tensor<scalar>, y: tensor<scalar> ) -> ( z: tensor<scalar> );
fragment max( x: tensor<scalar>, y: tensor<scalar> ) -> ( z: tensor<scalar> );
fragment lt( x: tensor<scalar>, y: tensor<scalar> ) -> ( z: tensor<logical> );
fragment gt( x: tensor<scalar>, y: tensor<scalar> ) -> ( z: tensor<logical> );
fragment le( x: tensor<scalar>, y: tensor<scalar> ) -> ( z: tensor<logical> );
fragment ge( x: tensor<scalar>, y: tensor<scalar> ) -> ( z: tensor<logical> );
fragment eq( x: tensor<scalar>, y: tensor<scalar> ) -> ( z: tensor<logical> );
fragment ne( x: tensor<scalar>, y: tensor<scalar> ) -> ( z: tensor<logical> );
fragment and( x: tensor<logical>, y: tensor<logical> ) -> ( z: tensor<logical> );
fragment or( x: tensor<logical>, y: tensor<logical> ) -> ( z: tensor<logical> );
fragment not( x: tensor<logical> ) -> ( y: tensor<logical> );
fragment exp( x: tensor<scalar> ) -> ( y: tensor<scalar> );
fragment log( x: tensor<scalar> ) -> ( y: tensor<scalar> );
fragment sin( x: tensor<scalar> ) -> ( y: tensor<scalar> );
fragment cos( x: tensor<scalar> ) -> ( y: tensor<scalar> );
fragment abs( x: tensor<scalar> ) -> ( y: tensor<scalar> );
fragment sign( x: tensor<scalar> ) -> ( y: tensor<scalar> );
fragment neg( x: tensor<scalar> ) -> ( y: tensor<scalar> );
fragment rcp( x: tensor<scalar> ) -> ( y: tensor<scalar> );
fragment floor( x: tensor<scalar> ) -> ( y: tensor<scalar> );
fragment ceil( x: tensor<scalar> ) -> ( y: tensor<scalar> );
fragment round( x: tensor<scalar> ) -> ( y: tensor<scalar> );
fragment sqr( x: tensor<scalar> ) -> ( y: tensor<scalar> );
fragment sqrt( x: tensor<scalar> ) -> ( y: tensor<scalar> );
fragment rsqr( x: tensor<scalar> ) -> ( y: tensor<scalar> );
fragment rsqrt( x: tensor<scalar> ) -> ( y: tensor<scalar> );
fragment log2( x: tensor<scalar> ) -> ( y: tensor<scalar> );
fragment relu( x: tensor<scalar> ) -> ( y: tensor<scalar> );
fragment sigmoid( x: tensor<scalar> ) -> ( y: tensor<scalar> );
fragment tanh( x: tensor<scalar> ) -> ( y: tensor<scalar> );
fragment softplus( x: tensor<scalar> ) -> ( y: tensor<scalar> );
fragment elu( x: tensor<scalar>, alpha: scalar = 1.0 ) -> ( y: tensor<scalar> );
fragment leaky_relu( x: tensor<scalar>, alpha: scalar ) -> ( y: tensor<scalar> );
fragment prelu( x: tensor<scalar>, alpha: tensor<scalar> ) -> ( y: tensor<scalar> );
fragment select<?>( condition: tensor<logical>, true_value: tensor<?>, false_value: tensor<?> ) -> ( output: tensor<?> );
fragment clamp( x: tensor<scalar>, a: tensor<scalar>, b: tensor<scalar> ) -> ( y: tensor<scalar> );
fragment matmul( A: tensor<scalar>, B: tensor<scalar>, transposeA: logical = false, transposeB: logical = false ) -> ( C: tensor<scalar> );
fragment linear( input: tensor<scalar>, filter: tensor<scalar>, bias: tensor<scalar> = 0.0 ) -> ( output: tensor<scalar> );
fragment reshape<?>( input: tensor<?>, shape: integer[], axis_start: integer = 0, axis_count: integer = -1 ) -> ( output: tensor<?> );
fragment transpose<?>( input: tensor<?>, axes: integer[] ) -> ( output: tensor<?> );
fragment squeeze<?>( input: tensor<?>, axes: integer[] ) -> ( output: tensor<?> );
fragment unsqueeze<?>( input: tensor<?>, axes: integer[] ) -> ( output: tensor<?> );
fragment concat<?>( values: tensor<?>[], axis: integer ) -> ( value: tensor<?> );
fragment split<?>( value: tensor<?>, axis: integer, ratios: integer[] ) -> ( values: tensor<?>[] );
fragment stack<?>( values: tensor<?>[], axis: integer ) -> ( value: tensor<?> );
fragment unstack<?>( value: tensor<?>, axis: integer ) -> ( values: tensor<?>[] );
fragment slice<?>( input: tensor<?>, axes: integer[], begin: integer[], end: integer[], stride: integer[] = [] ) -> ( output: tensor<?> );
fragment tile<?>( input: tensor<?>, repeats: integer[] ) -> ( output: tensor<?> );
fragment pad( input: tensor<scalar>, padding: (integer, integer)[], border: string = 'constant', value: scalar = 0.0 ) -> ( output: tensor<scalar> );
fragment gather<?>( input: tensor<?>, indices: tensor<integer>, axis: integer = 0 ) -> ( output: tensor<?> );
fragment cast<?>( input: tensor<> ) -> ( output: tensor<?> );
fragment softmax( x: tensor<scalar>, axes: integer[] = [1] ) -> ( y: tensor<scalar> );
fragment sum_reduce( input: tensor<scalar>, axes: integer[], normalize: logical = false ) -> ( output: tensor<scalar> );
fragment mean_reduce( input: tensor<scalar>, axes: integer[] ) -> ( output: tensor<scalar> );
fragment max_reduce( input: tensor<scalar>, axes: integer[] ) -> ( output: tensor<scalar> );
fragment min_reduce( input: tensor<scalar>, axes: integer[] ) -> ( output: tensor<scalar> );
fragment argmax_reduce( input: tensor<scalar>, axes: integer[] ) -> ( output: tensor<integer> );
fragment argmin_reduce( input: tensor<scalar>, axes: integer[] ) -> ( output: tensor<integer> );
fragment any_reduce( input: tensor<logical>, axes: integer[] ) -> ( output: tensor<logical> );
fragment all_reduce( input: tensor<logical>, axes: integer[] ) -> ( output: tensor<logical> );
fragment moments( input: tensor<scalar>, axes: integer[] ) -> ( mean: tensor<scalar>, variance: tensor<scalar> );
# ---- Khronos neural-network ops (conv, batch_normalization, ...) ----
fragment conv( input: tensor<scalar>, filter: tensor<scalar>, bias: tensor<scalar> = 0.0, border: string = 'constant',
    padding: (integer, integer)[] = [], stride: integer[] = [], dilation: integer[] = [], groups: integer = 1 )
    -> ( output: tensor<scalar> );
fragment batch_normalization( input: tensor<scalar>, mean: tensor<scalar>, variance: tensor<scalar>,
    offset: tensor<scalar>, scale: tensor<scalar>, epsilon: scalar ) -> ( output: tensor<scalar> );
# ---- end of Khronos neural-network ops ----
)NNEF";

constexpr const char* kTractOperations = R"NNEF(
fragment tract_core_external<? = scalar>( shape: integer[], datum_type: string ) -> ( output: tensor<?> );
fragment tract_core_shape_of( input: tensor<?> ) -> ( output: tensor<integer> );
fragment tract_core_cast( input: tensor<?>, to: string ) -> ( output: tensor<?> );
fragment tract_core_gather( input: tensor<?>, indices: tensor<integer>, axis: integer ) -> ( output: tensor<?> );
fragment tract_core_scan( body: string, scan: (string, tensor<scalar>, integer, integer)[],
    full: (string, tensor<scalar>)[], state: (string, tensor<scalar>, string)[],
    output: (string, string, integer, integer)[], skip: integer = 0, reset_every_turn: integer = 0,
    external_state: integer = 0 ) -> ( outputs: tensor<scalar>[] );
# ---- tract neural-network ops (tract_core_log_softmax, ...) ----
fragment tract_core_erf( x: tensor<scalar> ) -> ( y: tensor<scalar> );
fragment tract_core_log_softmax( x: tensor<scalar>, axes: tensor<integer> ) -> ( output: tensor<scalar> );
# ---- end of tract neural-network ops ----
# ---- tract indexing and dynamic-shape ops ----
fragment tract_core_range( start: integer, end: integer, step: integer ) -> ( output: tensor<integer> );
# ---- end of tract indexing ops ----
)NNEF";

}  // namespace

const Document& standard_operations(Dialect dialect) {
  // Parsed once, then immutable.
  static const Document strict_ops = parse_fragment_file(kKhronosOperations, "<stdlib>", ParseOptions{});
  static const Document tract_ops = [] {
    Document doc = strict_ops;
    Document extra = parse_fragment_file(kTractOperations, "<tract registry>", ParseOptions{});
    for (auto& f : extra.fragments) doc.fragments.push_back(std::move(f));
    return doc;
  }();
  return dialect == Dialect::strict ? strict_ops : tract_ops;
}

}  // namespace rnnconf::nnef
