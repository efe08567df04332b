import { Modal, Spin } from 'antd';

/** Shown while an edit form fetches the record (and its ETag) before it opens. */
export function LoadingModal({ onClose }: { onClose: () => void }) {
  return (
    <Modal open footer={null} closable onCancel={onClose} width={240} centered>
      <Spin style={{ display: 'block', padding: 24 }} />
    </Modal>
  );
}
