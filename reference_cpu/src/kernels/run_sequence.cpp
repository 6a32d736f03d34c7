// The CPU entry points of the fused recurrent kernels (rnn_kernels.hpp):
// run_sequence is the recurrence driver (recurrence_driver.hpp) over the CPU
// step backend (cpu_steps.hpp); run_cell is one step of it; and the
// SequenceWorkspace that backend draws its scratch from.
#include <string>
#include <type_traits>

#include "kernels/cpu_steps.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/reference_cpu/recurrence_driver.hpp"
#include "rnnconf/reference_cpu/rnn_kernels.hpp"

namespace rnnconf::cpu {

namespace {

template <class T>
void grow(std::vector<T>& v, int64_t n) {
  if (static_cast<int64_t>(v.size()) < n) v.resize(static_cast<size_t>(n));
}

}  // namespace

template <class T>
void SequenceWorkspace<T>::reserve(const RnnWeights<T>& w, int64_t steps, int64_t batch) {
  const int64_t gh = w.gates() * w.hidden_size;
  // Rounded up to whole panels: room for the blocked layout of the LSTM fused path.
  grow(gates_x, steps * batch * detail::panel_columns(shape_of(w)));
  grow(gates_h, batch * gh);
  grow(h_a, batch * w.output_size());
  grow(h_b, batch * w.output_size());
  if (w.variant == RnnVariant::lstm) grow(cell, batch * w.hidden_size);
  if (w.proj_size > 0) grow(m, batch * w.hidden_size);
  if constexpr (std::is_same_v<T, float>)
    if (w.variant == RnnVariant::lstm) grow(partial, batch * kHiddenPanelWidth);
}

template <class T>
void run_sequence(const RnnWeights<T>& w, const SequenceArgs<T>& a, SequenceWorkspace<T>& ws,
                  const StepRecorder<T>& recorder) {
  detail::CpuSteps<T> steps(w, ws);
  run_recurrence(steps, a, recurrence_context("run_sequence", shape_of(w)), recorder);
}

template <class T>
SequenceArgs<T> cell_as_sequence(const RnnWeights<T>& w, const CellArgs<T>& a, const std::string& who) {
  if (w.proj_size != 0) throw Error(who + "cells have no projection");
  if (a.h_new == nullptr) throw Error(who + "h_new is null");
  if (w.variant == RnnVariant::lstm && a.c_new == nullptr) throw Error(who + "c_new is null (LSTM cell)");
  SequenceArgs<T> s;
  s.x = a.x;
  s.steps = 1;
  s.batch = a.batch;
  s.h0 = a.h_prev;
  s.c0 = a.c_prev;
  s.h_last = a.h_new;
  s.c_last = a.c_new;
  return s;
}

template <class T>
void run_cell(const RnnWeights<T>& w, const CellArgs<T>& a, SequenceWorkspace<T>& ws) {
  run_sequence(w, cell_as_sequence(w, a, recurrence_context("run_cell", shape_of(w))), ws);
}

template class SequenceWorkspace<float>;
template class SequenceWorkspace<double>;
template void run_sequence<float>(const RnnWeights<float>&, const SequenceArgs<float>&, SequenceWorkspace<float>&,
                                  const StepRecorder<float>&);
template void run_sequence<double>(const RnnWeights<double>&, const SequenceArgs<double>&,
                                   SequenceWorkspace<double>&, const StepRecorder<double>&);
template void run_cell<float>(const RnnWeights<float>&, const CellArgs<float>&, SequenceWorkspace<float>&);
template void run_cell<double>(const RnnWeights<double>&, const CellArgs<double>&, SequenceWorkspace<double>&);
template SequenceArgs<float> cell_as_sequence<float>(const RnnWeights<float>&, const CellArgs<float>&,
                                                     const std::string&);
template SequenceArgs<double> cell_as_sequence<double>(const RnnWeights<double>&, const CellArgs<double>&,
                                                       const std::string&);

}  // namespace rnnconf::cpu
