import { Col, Form, type FormItemProps } from 'antd';

/** A plain Form.Item (custom control) placed in a ProForm `grid` layout like the ProForm fields. */
export function GridItem({ span = 12, ...props }: FormItemProps & { span?: number }) {
  return (
    <Col span={span}>
      <Form.Item {...props} />
    </Col>
  );
}
