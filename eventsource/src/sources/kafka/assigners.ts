// Partition assignment inside a consumer group: range, round-robin, and "one fixed partition" for partition mode.
import { AssignerProtocol, type PartitionAssigner } from "kafkajs";

/** Given sorted member ids and sorted partition ids of one topic, which partitions each member reads. */
export type AssignmentPlan = (members: string[], partitions: number[]) => Map<string, number[]>;

/** Kafka's RangeAssignor (sarama's default "range"): consecutive blocks, the first members take one extra. */
export const rangePlan: AssignmentPlan = (members, partitions) => {
  const out = new Map<string, number[]>();
  const per = Math.floor(partitions.length / members.length);
  const extra = partitions.length % members.length;
  let next = 0;
  members.forEach((m, i) => {
    const n = per + (i < extra ? 1 : 0);
    out.set(m, partitions.slice(next, next + n));
    next += n;
  });
  return out;
};

export const roundRobinPlan: AssignmentPlan = (members, partitions) => {
  const out = new Map<string, number[]>(members.map((m) => [m, []]));
  partitions.forEach((p, i) => out.get(members[i % members.length]!)!.push(p));
  return out;
};

/** Partition mode: only `partition` is read, by one member; other replicas stand by and take over when it leaves. */
export const singlePartitionPlan =
  (partition: number): AssignmentPlan =>
  (members, partitions) => {
    const out = new Map<string, number[]>(members.map((m) => [m, []]));
    if (partitions.includes(partition)) out.set(members[0]!, [partition]);
    return out;
  };

/** Wraps a plan as a kafkajs assigner; `name` is the protocol name members must agree on. */
export function planAssigner(name: string, plan: AssignmentPlan): PartitionAssigner {
  return ({ cluster }) => ({
    name,
    version: 0,
    async assign({ members, topics }) {
      const memberIds = members.map((m) => m.memberId).sort();
      const byMember = new Map<string, Record<string, number[]>>(memberIds.map((m) => [m, {}]));
      for (const topic of topics) {
        const partitions = cluster
          .findTopicPartitionMetadata(topic)
          .map((p) => p.partitionId)
          .sort((a, b) => a - b);
        for (const [member, assigned] of plan(memberIds, partitions)) if (assigned.length) byMember.get(member)![topic] = assigned;
      }
      return [...byMember].map(([memberId, assignment]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment, userData: Buffer.alloc(0) }),
      }));
    },
    protocol({ topics }) {
      return { name, metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
    },
  });
}
