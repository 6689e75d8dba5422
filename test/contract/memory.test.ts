import { MemoryTarget, memoryProvider } from '../support/memory-provider.js';
import { desired } from '../support/resources.js';
import { providerContract } from './provider-contract.js';

// The reference provider: proves the contract suite itself passes for a correct provider.
providerContract('memory (reference)', async () => {
  const target = new MemoryTarget();
  return {
    provider: memoryProvider(target),
    connect: async () => target.session(),
    initial: [desired('mem.widget', 'a', { size: 1 }), desired('mem.gadget', 'g', { color: 'red' })],
    changed: [desired('mem.widget', 'a', { size: 2 }), desired('mem.gadget', 'g', { color: 'blue' })],
    renamed: [desired('mem.widget', 'b', { size: 1 }, { previousNames: ['a'] }), desired('mem.gadget', 'g', { color: 'red' })],
    driftOne: async () => {
      target.state.get('mem.widget/a')!.spec.size = 99;
    },
    drifted: { key: 'mem.widget/a', fields: [{ path: 'size', before: 99, after: 1 }] },
    teardown: async () => {},
  };
});
